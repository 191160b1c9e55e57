import type { RouteObject } from 'react-router';

export const secretariatRoutes: RouteObject[] = [];

import type { RouteObject } from 'react-router';

export const workRoutes: RouteObject[] = [];

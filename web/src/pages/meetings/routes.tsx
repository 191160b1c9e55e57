import type { RouteObject } from 'react-router';

export const meetingsRoutes: RouteObject[] = [];

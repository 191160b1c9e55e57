import type { RouteObject } from 'react-router';

export const notesRoutes: RouteObject[] = [];

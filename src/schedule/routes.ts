import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { kioskRoutes } from './kiosk-routes.ts';

/** The schedule's one plugin: each part registers its routes here. */
export const scheduleRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(kioskRoutes);
};

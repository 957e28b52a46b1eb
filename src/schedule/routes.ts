import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { appointmentRoutes } from './appointment-routes.ts';
import { kioskRoutes } from './kiosk-routes.ts';

/** The schedule's one plugin: each part registers its routes here. */
export const scheduleRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(appointmentRoutes);
  await app.register(kioskRoutes);
};

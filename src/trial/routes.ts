import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { analysisRoutes } from './analysis-routes.ts';
import { conductRoutes } from './conduct-routes.ts';
import { coreRoutes } from './core-routes.ts';

/** The manifest's one routes plugin: each part of the trial registers its own plugin here. */
export const trialRoutes: FastifyPluginAsyncZod = async (app) => {
  await app.register(coreRoutes);
  await app.register(conductRoutes);
  await app.register(analysisRoutes);
};

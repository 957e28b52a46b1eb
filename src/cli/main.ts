#!/usr/bin/env node
import { runMuster } from './program.ts';

process.exitCode = await runMuster(process.argv.slice(2));

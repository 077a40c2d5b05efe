/** Jobs_List and Jobs_Get: same-region restore jobs of a vault, newest first. */
import { notFound } from '../http';
import { findJob, newestFirst } from '../jobs';
import { pageArray } from '../paging';
import { jobResource } from '../shapes';
import { type ArmHandler, requireVault } from './context';

export const listJobs: ArmHandler = (ctx) => {
  const vault = requireVault(ctx);
  const nowMs = ctx.world.nowMs();
  return { status: 200, body: pageArray(ctx, newestFirst(vault.jobs), (job) => jobResource(job, nowMs)) };
};

export const getJob: ArmHandler = (ctx) => {
  const vault = requireVault(ctx);
  const jobId = ctx.params.job ?? '';
  const job = findJob(vault.jobs, jobId);
  if (!job) throw notFound(`Job '${jobId}' was not found in vault '${vault.name}'.`);
  return { status: 200, body: jobResource(job, ctx.world.nowMs()) };
};

-- When a queued sync was done with (it ran and needs no retry, or it was dropped). apalis may
-- deliver a job again after it ran (a worker whose heartbeat was late looks dead, and another
-- worker re-queues its job); a job that is done is then not run a second time.
alter table sync_job_attempts add column done_at text;

-- Why: on a hosted project the scaler must tick without anyone calling it. Where pg_cron, pg_net
-- and Vault exist (Supabase), schedule a POST to the scale function every minute; its URL and
-- bearer secret are read from Vault at each run, so rotating them needs no migration:
--   select vault.create_secret('https://<ref>.supabase.co/functions/v1/scale', 'openweights_scale_url');
--   select vault.create_secret('<OW_SCALE_SECRET>', 'openweights_scale_secret');
-- Until both secrets exist the job does nothing. Elsewhere (plain Postgres, tests) this migration
-- is a no-op and a local loop ticks the scaler. cron.job_run_details is never pruned by pg_cron,
-- so a daily job keeps a week of it.
do $guard$
begin
  if not exists (select from pg_extension where extname = 'pg_cron') then
    raise notice 'pg_cron is not installed here: schedule the scale function yourself (the local stack ticks it)';
    return;
  end if;
  if not exists (select from pg_available_extensions where name = 'pg_net')
     or not exists (select from pg_available_extensions where name = 'supabase_vault') then
    raise notice 'pg_net or Vault missing: the scale function is not scheduled from the database';
    return;
  end if;
  create extension if not exists pg_net with schema extensions;
  create extension if not exists supabase_vault with schema vault;
  perform cron.schedule('openweights-scale', '* * * * *', $job$
    select net.http_post(
      url := s.url,
      headers := jsonb_build_object('Authorization', 'Bearer ' || s.secret, 'Content-Type', 'application/json'),
      body := '{}'::jsonb,
      timeout_milliseconds := 10000
    )
    from (
      select (select decrypted_secret from vault.decrypted_secrets where name = 'openweights_scale_url') as url,
             (select decrypted_secret from vault.decrypted_secrets where name = 'openweights_scale_secret') as secret
    ) s
    where s.url is not null and s.secret is not null
  $job$);
  perform cron.schedule('openweights-prune-cron-history', '17 3 * * *',
    $job$ delete from cron.job_run_details where end_time < now() - interval '7 days' $job$);
end
$guard$;

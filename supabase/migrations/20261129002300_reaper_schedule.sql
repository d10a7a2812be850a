-- Why: leases must be reaped even when no scale tick runs. Where pg_cron is installed (hosted
-- Supabase, or the local cluster when the apt package exists) schedule the reaper every minute;
-- elsewhere this is a no-op and the scale tick reaps. pg_cron lives only in the database named
-- by cron.database_name, so other databases (test clones) skip it too.
do $$
begin
  if exists (select from pg_available_extensions where name = 'pg_cron')
     and current_database() = coalesce(current_setting('cron.database_name', true), 'postgres') then
    create extension if not exists pg_cron;
    perform cron.schedule('openweights-reap-expired-leases', '* * * * *', 'select public.reap_expired_leases()');
  end if;
exception when others then
  -- pg_cron present but not preloaded (shared_preload_libraries): leave reaping to the scaler.
  raise notice 'pg_cron not usable here (%), the scale tick reaps leases instead', sqlerrm;
end
$$;

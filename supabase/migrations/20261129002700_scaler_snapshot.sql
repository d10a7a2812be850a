-- Why: the scale function plans from one consistent snapshot taken in a single round trip
-- (pending jobs, workers, cooldowns, limits with today's spend).
create function internal.epoch_ms(t timestamptz) returns double precision
language sql immutable set search_path = ''
as $$ select extract(epoch from t) * 1000 $$;

/** USD an organization's workers cost since UTC midnight (pod-seconds × hourly price). */
create function internal.spent_today_usd(p_org uuid) returns double precision
language sql stable set search_path = ''
as $$
  select coalesce(sum(w.cost_per_hour::float8 * greatest(0, extract(epoch from
      least(coalesce(w.terminated_at, now()), now()) - greatest(w.created_at, date_trunc('day', now(), 'UTC')))) / 3600), 0)
  from public.workers w
  where w.organization_id = p_org and coalesce(w.terminated_at, now()) >= date_trunc('day', now(), 'UTC')
$$;

create function internal.scaling_snapshot() returns jsonb
language sql stable set search_path = ''
as $$
  select jsonb_build_object(
    'pendingJobs', coalesce((select jsonb_agg(jsonb_build_object(
        'id', j.id, 'organizationId', j.organization_id, 'image', j.image, 'requiresVramGb', j.requires_vram_gb,
        'allowedHardware', to_jsonb(j.allowed_hardware), 'priority', j.priority, 'createdAt', internal.epoch_ms(j.created_at))
        order by j.created_at)
      from public.jobs j where j.status = 'pending'), '[]'::jsonb),
    'workers', coalesce((select jsonb_agg(jsonb_build_object(
        'id', w.id, 'organizationId', w.organization_id, 'provider', w.provider, 'podId', w.pod_id, 'status', w.status,
        'image', w.image, 'hardwareType', w.hardware_type, 'gpuCount', w.gpu_count, 'vramGb', w.vram_gb,
        'costPerHour', w.cost_per_hour::float8, 'createdAt', internal.epoch_ms(w.created_at),
        'lastHeartbeatAt', internal.epoch_ms(w.last_heartbeat_at),
        'runningJobs', (select count(*) from public.runs r where r.worker_id = w.id and r.status = 'in_progress'),
        'lastActiveAt', internal.epoch_ms(w.last_active_at),
        'shutdownRequestedAt', internal.epoch_ms(w.shutdown_requested_at)))
      from public.workers w
      where w.status in ('starting', 'active', 'shutdown') or w.terminated_at > now() - interval '1 hour'), '[]'::jsonb),
    'cooldowns', coalesce((select jsonb_agg(jsonb_build_object(
        'organizationId', c.organization_id, 'gpu', c.gpu, 'level', c.level, 'failures', c.failures,
        'until', internal.epoch_ms(c.until)))
      from public.hardware_cooldowns c), '[]'::jsonb),
    'limits', coalesce((select jsonb_agg(jsonb_build_object(
        'organizationId', l.organization_id, 'maxWorkers', l.max_workers, 'maxHourlyUsd', l.max_hourly_usd::float8,
        'maxDailyUsd', l.max_daily_usd::float8, 'spentTodayUsd', internal.spent_today_usd(l.organization_id),
        'provisioningPausedUntil', internal.epoch_ms(l.provisioning_paused_until)))
      from public.organization_limits l
      where exists (select from public.jobs j where j.organization_id = l.organization_id and j.status = 'pending')
         or exists (select from public.workers w where w.organization_id = l.organization_id and w.status in ('starting', 'active', 'shutdown'))
      ), '[]'::jsonb)
  )
$$;
revoke all on function internal.scaling_snapshot, internal.spent_today_usd from public, authenticated, anon;
grant execute on function internal.scaling_snapshot, internal.spent_today_usd to service_role;

-- The scaler mints worker tokens as service_role; the helpers mint_worker_token builds on must be
-- executable by it too (they stay closed to every other role).
grant execute on function internal.insert_token, internal.new_token_secret, internal.token_hash to service_role;

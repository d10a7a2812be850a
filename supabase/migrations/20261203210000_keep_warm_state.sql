-- Why: keep-warm learned from arrivals. Per organization × image the scaler remembers the recent
-- gaps between job arrivals, to keep an idle worker while the next job is expected sooner than a
-- cold boot's break-even and release it otherwise (supabase/functions/_shared/scaling/keep-warm.ts).
-- Like hardware_cooldowns it is the scaler's memory between stateless ticks: the snapshot carries
-- the rows and the jobs that arrived since each row's last_arrival_at, the pure policy folds them
-- in and its update_keep_warm actions write the rows back. The snapshot also gains each pending
-- job's type (training vs inference speed) and timeout (hardware too slow for it is passed over).
create table public.keep_warm_state (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  image public.image_ref not null,
  -- Recent gaps between arrivals, seconds, oldest first (the policy keeps at most 256).
  gaps_seconds double precision[] not null default '{}'
    constraint gaps_bounded check (cardinality(gaps_seconds) <= 256),
  last_arrival_at timestamptz,
  updated_at timestamptz not null default now(),
  primary key (organization_id, image)
);
comment on table public.keep_warm_state is
  'Scaler memory: arrival gaps per organization × image, for the learned idle timeout (keep-warm.ts).';

revoke all on public.keep_warm_state from anon, authenticated, public;
grant all on public.keep_warm_state to service_role;
grant select on public.keep_warm_state to authenticated;
alter table public.keep_warm_state enable row level security;
create policy keep_warm_read on public.keep_warm_state for select to authenticated
  using (internal.is_member(organization_id));

/** Writes what an update_keep_warm action says (the scaler's only write path to the table). */
create function internal.save_keep_warm(p_org uuid, p_image text, p_gaps double precision[], p_last_arrival_ms double precision)
returns void language sql volatile set search_path = ''
as $$
  insert into public.keep_warm_state (organization_id, image, gaps_seconds, last_arrival_at)
  values (p_org, p_image, p_gaps[greatest(1, cardinality(p_gaps) - 255):], to_timestamp(p_last_arrival_ms / 1000))
  on conflict (organization_id, image) do update set gaps_seconds = excluded.gaps_seconds,
    last_arrival_at = greatest(public.keep_warm_state.last_arrival_at, excluded.last_arrival_at), updated_at = now()
$$;

create or replace function internal.scaling_snapshot() returns jsonb
language sql stable set search_path = ''
as $$
  select jsonb_build_object(
    'pendingJobs', coalesce((select jsonb_agg(jsonb_build_object(
        'id', j.id, 'organizationId', j.organization_id, 'image', j.image, 'requiresVramGb', j.requires_vram_gb,
        'allowedHardware', to_jsonb(j.allowed_hardware), 'priority', j.priority, 'createdAt', internal.epoch_ms(j.created_at),
        'jobType', j.type, 'timeoutSeconds', j.timeout_seconds)
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
      ), '[]'::jsonb),
    'keepWarm', coalesce((select jsonb_agg(jsonb_build_object(
        'organizationId', k.organization_id, 'image', k.image, 'gapsSeconds', to_jsonb(k.gaps_seconds),
        'lastArrivalAt', internal.epoch_ms(k.last_arrival_at)))
      from public.keep_warm_state k), '[]'::jsonb),
    -- Arrivals since each group's last_arrival_at (the last 6 hours for a group without a row), for
    -- every organization × image with a row, a pending job or a live worker; at most 256 each.
    'arrivals', coalesce((select jsonb_agg(jsonb_build_object(
        'organizationId', g.organization_id, 'image', g.image, 'createdAt', a.created_at))
      from (
        select k.organization_id, k.image from public.keep_warm_state k
        union select j.organization_id, j.image from public.jobs j where j.status = 'pending'
        union select w.organization_id, w.image from public.workers w where w.status in ('starting', 'active', 'shutdown')
      ) g
      left join public.keep_warm_state s on s.organization_id = g.organization_id and s.image = g.image
      cross join lateral (
        select jsonb_agg(internal.epoch_ms(recent.created_at) order by recent.created_at) as created_at
        from (
          select j.created_at from public.jobs j
          where j.organization_id = g.organization_id and j.image = g.image
            and j.created_at > coalesce(s.last_arrival_at, now() - interval '6 hours')
          order by j.created_at desc limit 256
        ) recent
      ) a
      where a.created_at is not null), '[]'::jsonb)
  )
$$;

revoke all on function internal.save_keep_warm from public, authenticated, anon;
grant execute on function internal.save_keep_warm to service_role;

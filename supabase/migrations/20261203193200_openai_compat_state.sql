-- Why: the OpenAI-compatible function (supabase/functions/openai) needs two things the job tables
-- do not hold. (1) A batch: OpenAI's Batch object names its input file, endpoint, window and
-- metadata, and later its output/error files; the inference job that runs it has none of these,
-- so each batch is a row keyed by that job's id (a retried create finds the same job, so the same
-- row). (2) Idempotency keys: a create retried with the same `Idempotency-Key` must return what the
-- first one made without re-running it (re-submitting a cancelled job would queue it again).
-- Keys live 24 hours, as OpenAI's and Stripe's do. Both tables are per organization under RLS and
-- live in their own schema (`openai`), which PostgREST does not expose; no foreign key points at
-- public.jobs, whose key other migrations may reshape.
create schema openai;
revoke all on schema openai from public;
grant usage on schema openai to authenticated, service_role;

create table openai.batches (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  -- The inference job's id.
  id text not null constraint id_length check (char_length(id) between 1 and 200),
  input_file_id text not null constraint input_file_id_length check (char_length(input_file_id) between 1 and 200),
  endpoint text not null constraint endpoint_supported check (endpoint = '/v1/chat/completions'),
  completion_window text not null constraint window_24h check (completion_window = '24h'),
  metadata jsonb constraint metadata_is_object check (metadata is null or jsonb_typeof(metadata) = 'object'),
  model text not null constraint model_length check (char_length(model) between 1 and 300),
  request_total integer not null constraint request_total_range check (request_total between 1 and 50000),
  output_file_id text,
  error_file_id text,
  request_completed integer constraint request_completed_range check (request_completed >= 0),
  request_failed integer constraint request_failed_range check (request_failed >= 0),
  created_at timestamptz not null default now(),
  primary key (organization_id, id),
  constraint outputs_together check ((request_completed is null) = (request_failed is null))
);
create index batches_org_created_idx on openai.batches (organization_id, created_at desc, id desc);

create table openai.idempotency_keys (
  organization_id uuid not null references public.organizations (id) on delete cascade,
  key text not null constraint key_format check (key ~ '^[\x21-\x7e]{1,255}$'),
  route text not null constraint route_length check (char_length(route) between 1 and 200),
  request_sha256 text not null constraint request_sha256_hex check (request_sha256 ~ '^[0-9a-f]{64}$'),
  object_id text not null constraint object_id_length check (char_length(object_id) between 1 and 200),
  created_at timestamptz not null default now(),
  primary key (organization_id, key)
);

revoke all on openai.batches, openai.idempotency_keys from anon, authenticated, public;
grant all on openai.batches, openai.idempotency_keys to service_role;
grant select, insert, update (output_file_id, error_file_id, request_completed, request_failed)
  on openai.batches to authenticated;
grant select, insert, update (route, request_sha256, object_id, created_at) on openai.idempotency_keys to authenticated;

alter table openai.batches enable row level security;
alter table openai.idempotency_keys enable row level security;
create policy batches_read on openai.batches for select to authenticated using (internal.is_member(organization_id));
create policy batches_add on openai.batches for insert to authenticated with check (internal.is_member(organization_id));
create policy batches_finalize on openai.batches for update to authenticated
  using (internal.is_member(organization_id)) with check (internal.is_member(organization_id));
create policy keys_read on openai.idempotency_keys for select to authenticated using (internal.is_member(organization_id));
create policy keys_add on openai.idempotency_keys for insert to authenticated with check (internal.is_member(organization_id));
create policy keys_reuse on openai.idempotency_keys for update to authenticated
  using (internal.is_member(organization_id)) with check (internal.is_member(organization_id));

/**
 * What an earlier request with this Idempotency-Key made (its object id), or null when the key is
 * new or older than 24 hours. The same key for another route or another request body is a
 * conflict, as it most likely is a client bug.
 */
create function openai.remembered(p_key text, p_route text, p_request_sha256 text) returns text
language plpgsql stable set search_path = ''
as $$
declare
  k openai.idempotency_keys;
begin
  select * into k from openai.idempotency_keys
    where organization_id = internal.caller_org() and key = p_key and created_at > now() - interval '24 hours';
  if not found then return null; end if;
  if k.route <> p_route or k.request_sha256 <> p_request_sha256 then
    raise exception 'this Idempotency-Key was used for a different request in the last 24 hours' using errcode = 'OWCON';
  end if;
  return k.object_id;
end;
$$;

/** Records what a request with this key made; a concurrent twin's record wins (and is returned). */
create function openai.remember(p_key text, p_route text, p_request_sha256 text, p_object_id text) returns text
language plpgsql set search_path = ''
as $$
declare
  org uuid := internal.caller_org();
  kept text;
begin
  insert into openai.idempotency_keys as k (organization_id, key, route, request_sha256, object_id)
    values (org, p_key, p_route, p_request_sha256, p_object_id)
    on conflict (organization_id, key) do update
      set route = excluded.route, request_sha256 = excluded.request_sha256, object_id = excluded.object_id,
          created_at = now()
      where k.created_at <= now() - interval '24 hours'
    returning object_id into kept;
  return coalesce(kept, openai.remembered(p_key, p_route, p_request_sha256));
end;
$$;

-- Chat completions start a deployment of a model that has none running only where an admin
-- allowed it: serving rents a GPU for hours, so it is opt-in per organization.
alter table public.organization_limits add column on_demand_serving boolean not null default false;
grant update (on_demand_serving) on public.organization_limits to authenticated;

revoke all on function openai.remembered, openai.remember from public, anon;
grant execute on function openai.remembered, openai.remember to authenticated, service_role;

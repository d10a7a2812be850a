// GET /jobs/:id/metrics in SQL: a job's metric series downsampled in the database ($1 job id,
// $2 buckets). dashboard/lib/downsample.ts draws with the same rule; a parity test
// (tests/dashboard/downsample-parity.test.ts) runs both on the same series.
// One statement, so one snapshot: the series, each run's last seq and through_event_id agree.
// Points per (run, metric) are numbered in step order; point i falls in bucket floor(i·B/n), and
// each bucket keeps its lowest and highest value (ties: the earlier step); n ≤ 2B keeps every point.
export const METRIC_SERIES_SQL = `
with ev as (
  select e.id, e.run_id, e.seq, e.data from public.events e where e.job_id = $1
), pts as (
  select ev.id, ev.run_id, kv.key as name, (ev.data ->> 'step')::float8 as step, (kv.value #>> '{}')::float8 as value
  from ev cross join lateral jsonb_each(ev.data) kv
  where jsonb_typeof(ev.data -> 'step') = 'number' and kv.key <> 'step' and jsonb_typeof(kv.value) = 'number'
), numbered as (
  select run_id, name, step, value,
    row_number() over (partition by run_id, name order by step, id) - 1 as i,
    count(*) over (partition by run_id, name) as n
  from pts
), extremes as (
  select run_id, name, max(n) as n,
    (array_agg(step order by value, step))[1] as lo_step, min(value) as lo,
    (array_agg(step order by value desc, step))[1] as hi_step, max(value) as hi
  from numbered group by run_id, name, case when n <= 2 * $2 then i else floor(i * $2::float8 / n) end
), kept as (
  select distinct x.run_id, x.name, x.n, p.step, p.value
  from extremes x cross join lateral (values (x.lo_step, x.lo), (x.hi_step, x.hi)) p (step, value)
)
select
  (select coalesce(max(id), 0)::float8 from ev) as through_event_id,
  (select coalesce(json_agg(json_build_object('run_id', run_id, 'last_seq', last_seq) order by run_id), '[]')
     from (select run_id, max(seq) as last_seq from ev group by run_id) r) as runs,
  (select coalesce(json_agg(json_build_object('run_id', run_id, 'name', name, 'points', points,
      'steps', steps, 'values', vals) order by run_id, name), '[]')
     from (select run_id, name, max(n) as points, array_agg(step order by step, value) as steps,
             array_agg(value order by step, value) as vals
           from kept group by run_id, name) s) as series`;

-- Why: `ow files ls` should say which job made a result file (issue 15). The link is the `file`
-- event the api writes when a run uploads a result (data.file_id); this index makes the lookup
-- per listed file an index probe instead of a scan of the organization's events.
create index events_file_ref_idx on public.events (organization_id, (data ->> 'file_id'), id)
  where type = 'file';

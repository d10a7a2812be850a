-- Why: a rule about one column's value (a format, a length, a range) is a domain, not a table
-- CHECK. A domain is checked when a value is written to the column; PostgreSQL 15 re-reads and
-- re-evaluates every table CHECK of a row on every UPDATE, whichever columns changed — and the
-- claim and the completion update jobs, runs and workers once per job each (bench:claim: the
-- table CHECKs were a fifth of the queue's CPU, BENCHMARKS.md). Rules that tie columns to the
-- status stay table CHECKs, next to their tables.

-- jobs
create domain public.job_id as text
  constraint job_id_format check (value ~ '^[a-z][a-z0-9_-]{0,39}-[0-9a-f]{12}(-[A-Za-z0-9_.-]{1,60})?$');
create domain public.job_type as text
  constraint job_type_format check (value ~ '^[a-z][a-z0-9_-]{0,39}$');
create domain public.job_argv as text[]
  constraint job_argv_size check (cardinality(value) between 1 and 256);
create domain public.json_object as jsonb
  constraint json_object_is_object check (jsonb_typeof(value) = 'object');
create domain public.job_vram_gb as integer
  constraint job_vram_gb_range check (value between 0 and 1536);
create domain public.hardware_list as text[]
  constraint hardware_list_size check (cardinality(value) between 1 and 32);
create domain public.job_priority as integer
  constraint job_priority_range check (value between -100 and 100);
create domain public.job_timeout_seconds as integer
  constraint job_timeout_seconds_range check (value between 10 and 2592000);
create domain public.attempt_limit as integer
  constraint attempt_limit_range check (value between 1 and 20);
create domain public.secret_names as text[]
  constraint secret_names_size check (cardinality(value) <= 64);
create domain public.model_ref as text
  constraint model_ref_length check (char_length(value) <= 300);
create domain public.waiting_note as text
  constraint waiting_note_length check (char_length(value) <= 500);

-- jobs and runs
create domain public.counter as integer
  constraint counter_nonnegative check (value >= 0);
create domain public.failure_text as text
  constraint failure_text_length check (char_length(value) <= 10000);
create domain public.attempt_number as integer
  constraint attempt_number_positive check (value >= 1);
create domain public.exit_code as integer
  constraint exit_code_range check (value between -255 and 255);

-- jobs and workers
create domain public.image_ref as text
  constraint image_ref_length check (char_length(value) between 1 and 255);

-- workers
create domain public.worker_id as text
  constraint worker_id_format check (value ~ '^[A-Za-z0-9_.-]{1,100}$');
create domain public.pod_id as text
  constraint pod_id_length check (char_length(value) <= 200);
create domain public.hardware_type as text
  constraint hardware_type_length check (char_length(value) <= 64);
create domain public.gpu_count as integer
  constraint gpu_count_range check (value between 0 and 64);
create domain public.worker_vram_gb as integer
  constraint worker_vram_gb_range check (value between 0 and 8192);
create domain public.cost_per_hour as numeric(10, 4)
  constraint cost_per_hour_nonnegative check (value >= 0);

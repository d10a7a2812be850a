-- Why: the OpenAI-compatible function (supabase/functions/openai) stores Batch API inputs
-- (`batch`: JSONL of /v1/chat/completions requests) and the outputs it assembles in OpenAI's batch
-- output format (`batch_output`) as ordinary content-addressed files. The purpose list is mirrored
-- by the contract's FilePurpose enum; tests/openai/file-purpose-parity.test.ts holds them together.
alter table public.files drop constraint purpose_known;
alter table public.files add constraint purpose_known check (
  purpose in ('conversations', 'preference', 'custom_job_file', 'result', 'log', 'logprobs', 'samples', 'checkpoint',
    'batch', 'batch_output')
);

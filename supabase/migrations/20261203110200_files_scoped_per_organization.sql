-- Why: file ids are content hashes, and a signed upload's hash is the client's word (the server
-- never sees those bytes). With `files.id` unique across all organizations, one organization could
-- claim the id of another's content first: the victim's upload then failed with a 500 forever, and
-- 500-versus-201 told anyone whether an id existed anywhere (issue 11, item 5). Ids are now unique
-- per organization only, so what one organization files can neither block nor reveal another's.
alter table public.files drop constraint files_pkey;
alter table public.files add constraint files_pkey primary key (organization_id, id);

-- 0002: subject search. A contentless FTS5 index of each subject's folded and
-- phonetic name keys (names.IndexKeys), rowid = subjects.rowid; and a
-- vocabulary view for the name-part frequencies the scorer weighs by.
-- The keys are computed in Go: opening an older file backfills them.
CREATE VIRTUAL TABLE subject_index USING fts5(keys, content='', contentless_delete=1, detail=none, prefix='4');
CREATE VIRTUAL TABLE subject_index_vocab USING fts5vocab(subject_index, 'row');

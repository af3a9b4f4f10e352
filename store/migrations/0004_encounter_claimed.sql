-- 0004: the identity a person claimed at an encounter (or an imported
-- file's Type-2 record), as JSON of cases.Biographics, for the review screen.
ALTER TABLE encounters ADD COLUMN claimed TEXT NOT NULL DEFAULT '';

// Package names matches people's names the way a liaison desk meets them:
// Hispanic names with two surnames written in everyday or civil-registry
// order, with or without accents, with spelling variants (b/v, s/z/c, ll/y,
// silent h, j/g/x, i/y), missing maternal surnames, initials, abbreviations,
// compound given names written together, typing errors and nicknames; and
// US names with their nicknames.
//
// It offers the two stages of a name search:
//
//   - Candidate generation: [IndexKeys] and [QueryKeys] turn a stored name or
//     a typed query into folded and phonetic tokens for a full-text index
//     (the store uses SQLite FTS5).
//   - Re-ranking: [Prepare] / [PrepareText] parse a name once into a reusable
//     [Prepared] form and [Score] compares two prepared names in a few
//     microseconds, returning a score in [0,1] and an explanation of which
//     parts paired and how. [DefaultThreshold] is the one cut-off.
//
// Rare name parts weigh more than common ones; the weights come from a
// [Frequencies] source (the store's own counts), or from a small built-in
// table of common Ecuadorian, Latin-American and US names.
//
// Package names is pure computation: it does no I/O beyond its embedded data
// files (data/nicknames.txt, data/frequencies.txt) and depends only on the
// standard library and package cases (for [cases.Name]).
package names

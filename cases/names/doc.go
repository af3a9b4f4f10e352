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
// The scorer also knows real names (knowledge.go): how common a given name
// (with the sex it implies) or a surname is in the US and in Ecuador, so
// that two different common names a letter apart (Mario, Marco; Mora, Moya)
// are two names while a rare form near a common one is a variant or a typing
// error; known variant spellings; English and Spanish equivalents (Peter,
// Pedro); Spanish diminutives (Rosita) and contractions of compound given
// names (Juanpa); initials written together (JP). Surnames paired in the
// other order and compound given names reversed (María José, José María)
// are scored as another person, and said so in the explanation. When the
// caller's frequencies cannot tell a word's role (a store counts index
// keys, not roles), the reading of a typed name takes it from these tables.
// [RealNames] lists them by country (the demo draws its names from them).
//
// Package names is pure computation: it does no I/O beyond its embedded data
// files, each stating its source and licence: data/given-us.txt (US SSA
// baby names, public domain), data/surnames-us.txt (US Census 2010
// surnames, public domain), data/names-ec.txt (Ecuador, hand-compiled
// estimates, not counts), data/nicknames.txt, data/equivalents.txt,
// data/variants.txt and data/frequencies.txt (hand-compiled). It depends
// only on the standard library and package cases (for [cases.Name]).
//
// testdata/hand-tune.csv and testdata/hand-holdout.csv are the hand-labelled
// evaluation set (written pair by pair from real name lists; the held-out
// half is never tuned on); testdata/pairs*.csv, made by genpairs.py with the
// scorer's own spelling rules, are kept as a regression set.
package names

// Package match compares fingerprint minutiae templates: a 1:1 matcher that
// returns a similarity score and the paired minutiae, a calibration that turns
// scores into estimated false match rates and RISC-style bands, the fusion of
// several fingers of one subject, and an in-memory 1:N gallery searched on all
// cores.
//
// It works on biometric.Template only and must not depend on storage, the
// network, the UI or any file format: readers live in package biometric. The
// one exception is EvaluateFVC, which reads a folder of ISO templates through
// biometric.ReadTemplate to measure accuracy.
//
// # Method
//
// Every template is turned once into a compact "gallery form" (Prepare): the
// minutiae with angles in 1/256 turns, and for each minutia an edge table of
// its nearest neighbours, each edge described by rotation- and
// translation-invariant geometry (length, the angle of each end minutia
// relative to the edge). A probe additionally gets a hash of its edge shapes.
//
// Comparing a probe with a candidate:
//  1. every candidate edge is looked up in the probe hash; each edge pair whose
//     shapes agree within tolerance votes for the two minutia pairs it joins;
//  2. from the best-voted minutia pairs ("roots") the pairing is grown greedily
//     along matching edges, best edge first (a priority queue), so that
//     non-linear distortion is absorbed locally;
//  3. the largest consistent pairing is scored from the number of paired
//     minutiae, the fraction of each template they cover and how many edges
//     between paired minutiae agree.
//
// Edge lengths are kept in 1/16 px and looked up in a probe hash of 8 px by
// 16/256-turn buckets, so the comparison loops run on small integers.
//
// The 1:N gallery searches in two stages on all cores. A screen of every
// enrolled finger runs step 1 and grows only from the three best roots,
// scoring against the whole minutia counts (step 3 without the overlap
// estimate); the shortlist it ranks highest (at least 200 subjects, or 3%
// of the gallery) is compared in full and ranked by the full score. Bags of
// quantised edge or triplet shapes, the vote counts alone, or voting with
// fewer than all the edges of each minutia did not keep the mates.
package match

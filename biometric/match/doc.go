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
// The 1:N gallery keeps each finger in a packed form (about 1,300 bytes for
// an FVC2002 template): its minutiae, and for each the shape of the edges to
// its screenNeighbours nearest neighbours in 4 bytes each (length in whole
// pixels). A search runs in two stages on all cores. The screen compares
// every enrolled finger: step 1 over the packed edges (counting every
// candidate entry of the probe hash as a vote of one or zero, without a
// branch on the shape test, which most entries fail unpredictably), then
// growth from the three best roots, scored against the whole minutia counts
// (step 3 without the overlap estimate). The shortlist it ranks highest (at
// least 200 subjects, or 3% of the gallery) is compared in full, on forms
// rebuilt from the kept minutiae exactly as Prepare makes them, and ranked
// by the full score: the 1:1 scores, and so the calibration and every FVC
// figure, are those of Compare. Bags of quantised edge or triplet shapes,
// the vote counts alone, or voting with fewer than the eight nearest edges
// of each minutia did not keep the mates.
//
// # The index
//
// A gallery of many fingers is searched through an index (index.go,
// cylinder.go) instead of screening every finger: Minutia Cylinder-Code
// with locality-sensitive hashing into an inverted index, after Cappelli,
// Ferrara and Maltoni ("Minutia Cylinder-Code", IEEE TPAMI 32(12), 2010;
// "Fingerprint indexing based on Minutia Cylinder-Code", IEEE TPAMI 33(5),
// 2011). Each minutia's neighbourhood becomes a bit vector of 260 bits (52
// cells of 17.5 px within 70 px, turned with the minutia, times 5
// direction ranges); a bit is set where the neighbours' Gaussian
// contributions reach 0.002 (MCC's 0.01 leaves these templates' cylinders
// nearly empty). Each of 16 hash functions samples 14 fixed bits; the
// sampled value is a bucket that lists the fingers with a cylinder there
// (a value with fewer than 2 set bits is not used). A probe finger looks up
// each cylinder's bucket in every table, and also the buckets where one of
// its 2 least certain sampled bits reads the other way (multi-probe). A
// finger's standing is the sum over shared buckets of log(fingers / bucket
// size), over the square root of its own buckets; a subject's is, per
// probe finger, its best finger at that position, summed. The subjects it
// ranks highest (IndexPenetration of the gallery, at least 2,000) go to the
// screen and the full comparison described above, so the scores, rates and
// bands of the candidates are the matcher's, exactly as in an exhaustive
// search; only the set of subjects compared differs.
//
// A search goes through the index from IndexMinFingers enrolled fingers;
// below, it screens every subject. A probe finger with fewer than 6
// cylinders (few minutiae, or minutiae without neighbours) cannot be ranked
// by the index: the search then runs exhaustively and says why
// (SearchReport.Fallback). Every search reports its mode and its
// penetration: the share of the gallery's subjects passed to the matcher.
// The index is built by BuildIndex (WarmIndex: when the gallery is large
// enough), on all cores and off the gallery's lock; an AutoMode search uses
// it only once built and otherwise runs exhaustively, saying so (an
// Indexed search builds it first). From then on a finger is filed when it
// is added (its cylinders cost several times its packing) and the entries
// of withdrawn subjects are dropped once they are a quarter of the index.
//
// The index's parameters were tuned on synthetic galleries drawn from the
// seeds of TestIndexExperiment and TestIndexKeepsRank1, and on the FVC2002
// identification test of TestIndexKeepsRank1, whose runs showed all four
// databases: no FVC figure of the index is held out. `enlace match bench
// --index` draws its synthetic gallery from other seeds (benchSeed): its
// figures are. Those measured are in docs/architecture.md ("Fingerprint
// index").
//
// What an index trades: a mate whose prints share too few neighbourhoods
// with the probe (small or distorted captures, such as FVC2002 DB3's) can
// rank below the index's cut and is not compared at all, which an
// exhaustive search would have found. On badly distorted synthetic probes
// (small window, 30% of minutiae lost, 10 false ones) the index keeps less
// than half the mates an exhaustive search ranks first: a desk whose
// probes look like that is better served by an exhaustive search.
//
// # Rates
//
// FMR turns a 1:1 score into the rate at which impostor comparisons score
// as well. The calibration (calibration_table.go) comes from the 11,520
// impostor comparisons of FVC2002 DB1–DB4 B: it measures rates down to
// about 1 in 1,000 (CalibrationFloor) and fits an exponential tail below,
// down to 1e-9. A rate below the floor is an extrapolation: it is shown as
// "< 1 in N (beyond the calibration data)" (cases.FormatFMR), never as a
// figure.
//
// A probe finger of unknown position is compared with every finger of a
// subject; its rate (and floor) is multiplied by the comparisons made.
// Fuse combines the rates of several fingers by Fisher's method, which
// assumes that the fingers of a non-mate score independently. Fingers of one
// person are not fully independent, so a fused rate is optimistic by an
// amount these data cannot measure; the fused floor (Candidate.Floor) is the
// fusion of the fingers' floors under the same assumption.
//
// # Bands
//
// RatesHelp states the bands' basis for officers. BandFor places a rate
// in the band the FBI's RISC service would give it: red (highly probable)
// at or below 1 in 10,000, yellow (possible) at or below 1 in 100, green
// otherwise. The desk bands a candidate by the rate times the gallery size:
// the expected number of people in the gallery who are not the person and
// score as well. At any gallery size worth searching both thresholds lie
// below the calibration floor, so a band rests on the fitted tail and, for
// several fingers, on their independence: it ranks evidence, it is not a
// measured error rate.
package match

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
// A gallery of many fingers is searched through an index (index.go)
// instead of screening every finger. It files the edges the gallery
// already keeps: for each enrolled minutia, the 6 nearest of its screen
// edges, each by its shape (length, and the directions of its two minutiae
// relative to it) in buckets of 4 px and 8/256 of a turn, with the finger,
// the origin minutia and the exact shape. A probe finger's own 6 nearest
// edges per minutia look up every bucket their tolerance reaches (the
// screen's root tolerances: 8 px, 10/256 of a turn), and each enrolled
// minutia counts the probe edges of one probe minutia its edges match. A
// finger's standing is, summed over the probe's minutiae, the count of
// its best matching minutia, over the square root of its minutia count: a
// mate shares many minutiae whose neighbourhoods agree edge for edge, an
// unrelated finger agrees here and there on one edge. A subject's standing
// is, per probe finger, its best finger at that position, summed. The
// subjects it ranks highest (IndexPenetration of the gallery, at least
// 2,000) go to the screen and the full comparison described above, so the
// scores, rates and bands of the candidates are the matcher's, exactly as
// in an exhaustive search; only the set of subjects compared differs.
//
// The fingers are filed in blocks of 8,192 of one finger position: a probe
// finger is voted on only by the blocks of its position (and of unknown
// positions), and a worker votes one block at a time, with counters that
// stay in the core's cache.
//
// Why edges and not Minutia Cylinder-Code: the index this replaced hashed
// MCC bit vectors (Cappelli, Ferrara and Maltoni, IEEE TPAMI 2010, 2011)
// with locality-sensitive hashing. It was fast (0.75 s a search against
// 1,000,000 fingers) but on FVC2002 it kept the mate within its 5% of
// the gallery for only 95.6% of the probes an exhaustive search ranks
// first, and rank-1 fell from 0.975 to 0.932: a cylinder's cells outside
// a small capture's area read as empty, so the cylinders of the same
// minutia in two partial impressions disagree. Counting agreeing edges per
// minutia pair keeps every such mate within 1% of the same gallery, at a
// higher cost per search (docs/architecture.md, "Fingerprint index").
//
// A search goes through the index from IndexMinSubjects enrolled subjects;
// below, it screens every subject. A probe finger with fewer than
// indexMinMinutiae minutiae cannot be ranked by the index (every finger
// shares about as many edges with it by chance): the search then runs
// exhaustively and says why (SearchReport.Fallback). Every search reports
// its mode and its penetration: the share of the gallery's subjects passed
// to the matcher. The index is built by BuildIndex (WarmIndex: when the
// gallery is large enough) from a snapshot of the gallery, off its lock,
// and catches up with what changed meanwhile; an AutoMode search uses it
// only once built and otherwise runs exhaustively, saying so (an Indexed
// search builds it first). From then on a finger is filed when it is
// added, and the entries of withdrawn subjects are dropped once they are a
// quarter of the index.
//
// How the design was chosen, and what is held out: the scoring (best
// minutia count per probe minutia, over the square root of the finger's
// minutiae) was picked among five scorings of the same edge votes (total
// votes, dense pairs, best per probe minutia, best both ways, votes per
// minutia) on the FVC2002 identification test of TestIndexKeepsRank1 and
// on two synthetic galleries; the number of edges per minutia (6 of the
// 8 kept), the bucket sizes and the blocks were then set for speed, and
// checked not to lose a mate on the same runs. Skipping the most common
// edge shapes (stop words) made it faster and passed on FVC2002, but lost
// distorted synthetic mates in a design experiment (not kept in the
// repository), so it is not done. Held out: the FVC2002 test with each of
// the other seven impressions enrolled in turn
// (TestIndexKeepsRank1OtherEnrolments), and `enlace match bench --index`,
// whose synthetic gallery comes from seeds the index was not chosen on
// (benchSeed). Figures: docs/architecture.md ("Fingerprint index").
//
// What an index still trades: on badly distorted synthetic probes (small
// window, 30% of minutiae lost, 10 false ones) rank-1 through the index is
// 0.84 against 0.90 exhaustive (TestIndexKeepsRank1/distorted).
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

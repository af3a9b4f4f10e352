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
// instead of screening every finger. It files pairs of the edges the
// gallery already keeps: for each enrolled minutia, every pair of its k
// nearest screen edges, by the pair's shape: the two lengths and, per
// edge, the directions of its two minutiae relative to it. k is 6 for a
// finger of 50 minutiae, and for any finger the most (4 to 8) that keep
// its pairs within the 750 of such a finger (pairEdges): a small capture
// pairs more edges, and every finger costs about as much. Each entry keeps its
// finger, its origin minutia and that shape in quanta of 2 px and 4/256 of
// a turn; its bucket is the shape in quanta of 8 px and 16/256. Each pair
// is filed in one order (the turn from its first edge to its second is
// under half a turn). A probe minutia's own pairs (of its k nearest edges,
// likewise) look up every bucket their tolerance reaches, in the order a
// mate's pair was filed in (both, near the bounds), and an entry agrees
// when the middle of each of its six quanta is within the screen's root
// tolerance (8 px, 10/256 of a turn) of the probe's value. Each enrolled
// minutia counts the probe pairs of one probe minutia it agrees with. A finger's
// standing is, summed over the probe's minutiae, the count of its best
// matching minutia, over the square root of its minutia count: a mate
// shares many minutiae whose neighbourhoods agree pair for pair, while an
// unrelated finger's pair agrees with a probe pair only now and then. A
// subject's standing is, per probe finger, its best finger at that
// position, summed. The subjects it ranks highest (IndexPenetration of the
// gallery, at least 2,000) go to the screen and the full comparison
// described above, so the scores, rates and bands of the candidates are the
// matcher's, exactly as in an exhaustive search; only the set of subjects
// compared differs.
//
// The fingers are filed in blocks of one finger position (a probe finger
// is voted on only by its position's blocks, and those of unknown
// position): BuildIndex files a gallery in blocks of up to 1,048,576
// fingers, each one array in bucket order; fingers enrolled later fill a
// small open block, which is sealed and merged with blocks of its size.
// Agreements are counted a stripe of 8,192 fingers at a time, so that the
// counters stay in the core's cache.
//
// Why pairs of edges: the index before this one filed single edges. A
// synthetic probe's edges agreed by chance with about 300 edges of every
// unrelated finger (counted before it was replaced; that code is gone),
// and counting them took 3.2 s a search at 1,000,000 fingers; its pairs
// agree by chance with about 18 pairs of such a finger (BenchmarkIndexWork),
// while a mate keeps most of its agreements (a shared minutia with three or
// four shared neighbours shares three to six pairs). The one before that hashed
// Minutia Cylinder-Code bit vectors (Cappelli, Ferrara and Maltoni, IEEE
// TPAMI 2010, 2011) with locality-sensitive hashing: fast, but on FVC2002
// it kept the mate within its 5% of the gallery for only 95.6% of the
// probes an exhaustive search ranks first (rank-1 fell from 0.975 to
// 0.932), because a cylinder's cells outside a small capture read as
// empty, so the cylinders of one minutia in two partial impressions
// disagree (docs/architecture.md, "Fingerprint index").
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
// minutiae) was picked for the index of single edges among five scorings
// (total votes, dense pairs, best per probe minutia, best both ways, votes
// per minutia) on the FVC2002 identification test of TestIndexKeepsRank1
// and on two synthetic galleries, and kept for pairs after a design
// experiment (not kept in the repository) on the same runs, where it kept
// more mates than the total, a capped total or a count of agreeing probe
// minutiae. The edges paired (6 at 50 minutiae, against 5 to 8 enrolled
// and probe), the budget of pairs per finger (those of 50, 60 and 70
// minutiae gave the same rank-1 there, so the cheapest), the tolerances (the root
// ones; tighter ones lost FVC mates) and the bucket sizes were then set on
// the same runs, for speed and so as not to lose a mate there.
// Held out: the FVC2002 test with each of the other seven impressions
// enrolled in turn (TestIndexKeepsRank1OtherEnrolments), which was not run
// until the design was fixed, and `enlace match bench --index`, whose
// synthetic gallery comes from seeds the index was not chosen on
// (benchSeed). Figures: docs/architecture.md ("Fingerprint index").
//
// What an index still trades: on badly distorted synthetic probes (small
// window, 30% of minutiae lost, 10 false ones) rank-1 is 0.86 against 0.90
// exhaustive (TestIndexKeepsRank1/distorted). It holds about 5 kB of
// entries a finger (750 pairs of 8 bytes at most), and a bulk build of
// 1,000,000 fingers takes about 100 s on 2 cores.
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

package iddoc

import "testing"

func BenchmarkParseMRZ(b *testing.B) {
	inputs := map[string]string{
		"TD3": td3L1 + "\n" + td3L2,
		"TD1": td1L1 + "\n" + td1L2 + "\n" + td1L3,
	}
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(in)))
			for b.Loop() {
				if _, err := ParseMRZAt(in, refNow); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkValidateCedula(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if err := ValidateCedula("1714307103"); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkClassify(b *testing.B) {
	inputs := map[string]string{"name": "José Adolfo Macías Villamar", "cedula": "171430710-3", "passport": "L898902C3"}
	for name, in := range inputs {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				Classify(in, refNow)
			}
		})
	}
}

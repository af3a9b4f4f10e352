package iddoc

import (
	"errors"
	"reflect"
	"testing"

	"github.com/enlace-desk/enlace/cases"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		in       string
		kind     InputKind
		also     []InputKind
		cedula   string
		anumber  string
		passport string
		errType  string // "", "mrz", "cedula", "anumber"
	}{
		{in: "", kind: KindEmpty},
		{in: "   ", kind: KindEmpty},
		{in: "José Macías", kind: KindName},
		{in: "MACIAS VILLAMAR JOSE ADOLFO", kind: KindName},
		{in: "Fito", kind: KindName},
		{in: "AB", kind: KindName},
		{in: "Ana 1984", kind: KindName},
		{in: "Zambrano 1714307103", kind: KindName},
		{in: "12/03/1984", kind: KindName},
		{in: "O'Brien", kind: KindName},
		{in: "1714307103", kind: KindCedula, cedula: "1714307103"},
		{in: "171430710-3", kind: KindCedula, cedula: "1714307103"},
		{in: "1714307104", kind: KindCedula, cedula: "1714307104", errType: "cedula"},
		{in: "17143071033", kind: KindCedula, cedula: "17143071033", errType: "cedula"},
		{in: "2514307103", kind: KindCedula, cedula: "2514307103", errType: "cedula"},
		{in: "926687856", kind: KindCedula, also: []InputKind{KindPassport, KindANumber}, cedula: "0926687856", passport: "926687856", anumber: "A926687856"},
		{in: "123456789", kind: KindPassport, also: []InputKind{KindANumber}, passport: "123456789", anumber: "A123456789"},
		{in: "123456", kind: KindPassport, passport: "123456"},
		{in: "12345", kind: KindName},
		{in: "1714307103001", kind: KindRUC, cedula: "1714307103"},
		{in: "1714307103000", kind: KindRUC, cedula: "1714307103", errType: "cedula"},
		{in: "A011223344", kind: KindANumber, anumber: "A011223344"},
		{in: "A-11223344", kind: KindANumber, also: []InputKind{KindPassport}, anumber: "A011223344", passport: "A11223344"},
		{in: "A#11223344", kind: KindANumber, anumber: "A011223344"},
		{in: "a12345678", kind: KindANumber, also: []InputKind{KindPassport}, anumber: "A012345678", passport: "A12345678"},
		{in: "A123456", kind: KindPassport, passport: "A123456"},
		{in: "A1234567890", kind: KindANumber, errType: "anumber"},
		{in: "EAC1234567890", kind: KindANumber, errType: "anumber"},
		{in: "L898902C3", kind: KindPassport, passport: "L898902C3"},
		{in: "ab 123456", kind: KindPassport, passport: "AB123456"},
		{in: "AB12", kind: KindName},
		{in: "AB1234567890", kind: KindName},
		{in: td3L1 + "\n" + td3L2, kind: KindMRZ},
		{in: td3L1, kind: KindMRZ, errType: "mrz"},
		{in: td3L1 + "\n" + td3L2[:43] + "1", kind: KindMRZ, errType: "mrz"},
	}
	for _, tt := range tests {
		r := Classify(tt.in, refNow)
		if r.Kind != tt.kind || !reflect.DeepEqual(r.Also, tt.also) {
			t.Errorf("Classify(%q): kind %s also %v, want %s %v (err %v)", tt.in, r.Kind, r.Also, tt.kind, tt.also, r.Err)
			continue
		}
		if r.Cedula != tt.cedula || r.ANumber != tt.anumber || r.Passport != tt.passport {
			t.Errorf("Classify(%q): cédula %q A-number %q passport %q", tt.in, r.Cedula, r.ANumber, r.Passport)
		}
		var ok bool
		switch tt.errType {
		case "":
			ok = r.Err == nil
		case "mrz":
			ok = errors.As(r.Err, new(*MRZError))
		case "cedula":
			ok = errors.As(r.Err, new(*CedulaError))
		case "anumber":
			ok = errors.As(r.Err, new(*ANumberError))
		}
		if !ok {
			t.Errorf("Classify(%q): err %v, want %q", tt.in, r.Err, tt.errType)
		}
		if r.Err != nil && cases.ErrorCode(r.Err) != cases.EINVALID {
			t.Errorf("Classify(%q): code %q", tt.in, cases.ErrorCode(r.Err))
		}
		if tt.kind == KindMRZ && (r.Err == nil) != (r.MRZ != nil) {
			t.Errorf("Classify(%q): MRZ %v with err %v", tt.in, r.MRZ, r.Err)
		}
	}
}

func TestRecognizedDocuments(t *testing.T) {
	ec := &MRZ{IssuingState: "ECU", Surnames: "LOOR", DocumentNumber: "A7654321", Nationality: "ECU",
		BirthDate: cases.PartialDate{Year: 1980}, OptionalData: "1714307103"}
	s, err := FormatTD3(ec)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want []cases.Document
	}{
		{s, []cases.Document{{Kind: cases.DocPassport, Number: "A7654321", Country: "ECU"}, {Kind: cases.DocCedula, Number: "1714307103", Country: "ECU"}}},
		{"926687856", []cases.Document{{Kind: cases.DocCedula, Number: "0926687856", Country: "ECU"},
			{Kind: cases.DocPassport, Number: "926687856"}, {Kind: cases.DocANumber, Number: "A926687856", Country: "USA"}}},
		{"1714307103001", []cases.Document{{Kind: cases.DocCedula, Number: "1714307103", Country: "ECU"}}},
		{"A12345678", []cases.Document{{Kind: cases.DocANumber, Number: "A012345678", Country: "USA"}, {Kind: cases.DocPassport, Number: "A12345678"}}},
		{"1714307104", nil},
		{"Ana", nil},
	}
	for _, tt := range tests {
		if got := Classify(tt.in, refNow).Documents(); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Documents(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

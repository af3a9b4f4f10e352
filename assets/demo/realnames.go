package demo

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/enlace-desk/enlace/cases/names"
)

// Names are drawn with the shares of the tables of real names that the
// name scorer ships (names.RealNames), so that namesakes are about as
// common in the demo as those tables imply, instead of being drawn from
// lists of a few dozen names.
//
// Hispanic given names (Ecuadorian subjects and the US-held Latin
// Americans) follow data/names-ec.txt by sex. The table lists the common
// names only (about 61% of men and 45% of women carry one of them); the rest
// of the mass goes to the US Social Security list's 100 most common names of
// each sex (English-language given names are common in Ecuador: Jefferson,
// Byron, Kevin, Jessica), in proportion to their US shares. Hispanic surnames follow the table's
// surnames (about 41% of people); the rest of the mass is spread evenly over
// the demo's other real surnames (ecSurnames, moreSurnames, latamSurnames,
// tailSurnames). Ecuador spreads it over thousands of rare surnames, so the
// demo still holds more namesakes than the table implies (see
// TestNamesakeConcentration). US subjects follow the SSA given names by sex
// and the Census 2010 surnames (the 999 most frequent, about 36% of people,
// normalised: again somewhat more namesakes than in the US).

// weighted draws names with given weights.
type weighted struct {
	names []string
	cum   []float64
	index map[string]int
}

func (w *weighted) add(name string, weight float64) {
	if weight <= 0 || name == "" {
		return
	}
	if w.index == nil {
		w.index = map[string]int{}
	}
	if _, dup := w.index[name]; dup {
		return
	}
	total := 0.0
	if n := len(w.cum); n > 0 {
		total = w.cum[n-1]
	}
	w.index[name] = len(w.names)
	w.names = append(w.names, name)
	w.cum = append(w.cum, total+weight)
}

func (w *weighted) has(name string) bool { _, ok := w.index[name]; return ok }

func (w *weighted) total() float64 { return w.cum[len(w.cum)-1] }

// pick maps u in [0, 1) to a name.
func (w *weighted) pick(u float64) string {
	x := u * w.total()
	lo, hi := 0, len(w.cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if w.cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return w.names[lo]
}

// share is a name's probability of being drawn.
func (w *weighted) share(name string) float64 {
	i, ok := w.index[name]
	if !ok {
		return 0
	}
	prev := 0.0
	if i > 0 {
		prev = w.cum[i-1]
	}
	return (w.cum[i] - prev) / w.total()
}

// nameBook holds the distributions names are drawn from; names are display
// forms (accents and capitals).
type nameBook struct {
	hispanicMale, hispanicFemale, hispanicSurname weighted
	usMale, usFemale, usSurname                   weighted
}

var book = sync.OnceValue(buildBook)

// tailGiven is how many of the US list's names of each sex make the tail of
// Hispanic given names: the common ones (Kevin, Jefferson, Jessica), which
// Ecuadorians carry too, not the rare ones.
const tailGiven = 100

func buildBook() *nameBook {
	b := &nameBook{}
	ec, us := names.RealNames("EC"), names.RealNames("US")
	// Hispanic given names: the Ecuadorian table (per million people; men
	// and women are each about half), then the US list for the rest.
	var male, female float64
	for _, e := range ec {
		b.hispanicMale.add(display(e.Name), e.Male)
		b.hispanicFemale.add(display(e.Name), e.Female)
		male, female = male+e.Male, female+e.Female
	}
	// The rest of the mass goes to the US list's most common names of each
	// sex (tailGiven of them, clearly of that sex), by their US shares.
	var usMale, usFemale []names.RealName
	var sumMale, sumFemale float64
	for _, e := range us {
		switch {
		case e.Male > 9*e.Female && len(usMale) < tailGiven && !b.hispanicMale.has(display(e.Name)):
			usMale, sumMale = append(usMale, e), sumMale+e.Male
		case e.Female > 9*e.Male && len(usFemale) < tailGiven && !b.hispanicFemale.has(display(e.Name)):
			usFemale, sumFemale = append(usFemale, e), sumFemale+e.Female
		}
	}
	for _, e := range usMale {
		b.hispanicMale.add(display(e.Name), e.Male/sumMale*max(0, 5e5-male))
	}
	for _, e := range usFemale {
		b.hispanicFemale.add(display(e.Name), e.Female/sumFemale*max(0, 5e5-female))
	}
	// The demo's own given names the tables lack keep the smallest share.
	for _, n := range maleGiven {
		b.hispanicMale.add(n, 100)
	}
	for _, n := range femaleGiven {
		b.hispanicFemale.add(n, 100)
	}
	// Hispanic surnames: the table, then the rest spread over the demo's
	// other real surnames.
	listed := 0.0
	for _, e := range ec {
		b.hispanicSurname.add(display(e.Name), e.Surname)
		listed += e.Surname
	}
	var tail []string
	for _, list := range [][]string{ecSurnames, moreSurnames, latamSurnames, tailSurnames} {
		for _, n := range list {
			if !b.hispanicSurname.has(n) && !contains(tail, n) {
				tail = append(tail, n)
			}
		}
	}
	for _, n := range tail {
		b.hispanicSurname.add(n, max(100, (1e6-listed)/float64(len(tail))))
	}
	for _, e := range us {
		b.usMale.add(display(e.Name), e.Male)
		b.usFemale.add(display(e.Name), e.Female)
		b.usSurname.add(display(e.Name), e.Surname)
	}
	return b
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// displayForms maps a folded name to how it is written, from the demo's
// lists and the accents of names the tables hold folded.
var displayForms = func() map[string]string {
	m := map[string]string{}
	for _, list := range [][]string{maleGiven, femaleGiven, ecSurnames, moreSurnames, latamSurnames, tailSurnames, accented} {
		for _, n := range list {
			if _, ok := m[names.Fold(n)]; !ok {
				m[names.Fold(n)] = n
			}
		}
	}
	return m
}()

// display writes a folded name from the tables with its accents (when the
// demo knows them) and capitals.
func display(folded string) string {
	if d, ok := displayForms[folded]; ok {
		return d
	}
	words := strings.Fields(folded)
	for i, w := range words {
		r, n := utf8.DecodeRuneInString(w)
		w = string(unicode.ToUpper(r)) + w[n:]
		if rest, ok := strings.CutPrefix(w, "Mc"); ok && len(rest) > 1 {
			r, n := utf8.DecodeRuneInString(rest)
			w = "Mc" + string(unicode.ToUpper(r)) + rest[n:]
		}
		words[i] = w
	}
	return strings.Join(words, " ")
}

// accented are names of the tables written with their accents.
var accented = []string{
	"Darío", "Raúl", "Saúl", "Hernán", "Germán", "Josué", "Julián", "Fabián", "Elías", "Ramón", "Román", "Héctor",
	"Iván", "Efraín", "Bolívar", "Rubén", "Joaquín", "Nicolás", "Tomás", "Agustín", "Rocío", "Estefanía", "Jazmín",
	"Sofía", "Inés", "Ángela", "Fernández", "Guzmán", "Juárez", "Gámez", "Muñiz", "Solís", "Cortés", "Pazmiño",
	"Córdoba", "Oña", "Páez", "Simón", "Martín", "Adrián", "Sebastián", "Óscar", "Belén", "Noemí", "Azucena",
	"Villacrés", "Ycaza", "Muñoz", "Núñez", "Gutiérrez", "Hernández", "Martínez", "González", "Díaz", "Rodríguez",
}

// tailSurnames are further real surnames of Ecuador and Latin America, for
// the long tail of rare surnames.
var tailSurnames = []string{
	"Abad", "Abarca", "Acaro", "Acuña", "Agila", "Aguayo", "Álava", "Almache", "Altamirano", "Alulema",
	"Amaguaña", "Ambuludí", "Anangonó", "Andino", "Aldás", "Apolo", "Aray", "Arboleda", "Arcos", "Armas",
	"Asanza", "Ati", "Azanza", "Bacilio", "Baidal", "Balarezo", "Banchón", "Barahona", "Barba", "Barberán",
	"Basantes", "Bazurto", "Bermúdez", "Betancourt", "Bohórquez", "Bonilla", "Borbor", "Bueno", "Burbano", "Caamaño",
	"Cabezas", "Cáceres", "Cadena", "Caiza", "Cajamarca", "Calero", "Campos", "Cañar", "Casanova", "Castañeda",
	"Cepeda", "Cerda", "Chacón", "Chamba", "Chavarría", "Chimborazo", "Chininín", "Chóez", "Chuquitarco", "Cifuentes",
	"Clavijo", "Cobo", "Coloma", "Conforme", "Coral", "Cornejo", "Cuadrado", "Cuesta", "Cumbicus", "Dávalos",
	"Domínguez", "Duche", "Duque", "Egas", "Elizalde", "Escalante", "Farías", "Félix", "Flor", "Franco",
	"Freire", "Gaona", "Gavilánez", "Gil", "Godoy", "Granja", "Guachamín", "Guerrón", "Huacón", "Huertas",
	"Icaza", "Imbaquingo", "Iza", "Jaime", "Jara", "Jarrín", "Jordán", "Lalama", "Landeta", "Lascano",
	"Layedra", "Lindao", "Llumiquinga", "Lojano", "Lombeida", "Lucero", "Luzuriaga", "Madrid", "Manosalvas", "Mantilla",
	"Marcillo", "Márquez", "Mayorga", "Mendieta", "Mieles", "Moncada", "Naula", "Nieto", "Obando", "Ojeda",
	"Olmedo", "Orozco", "Pachacama", "Pallo", "Palma", "Parrales", "Patiño", "Peralta", "Pillajo", "Piguave",
	"Plaza", "Poveda", "Pozo", "Quevedo", "Quilumba", "Quinde", "Reina", "Rivadeneira", "Roca", "Rodas",
	"Ronquillo", "Rueda", "Salgado", "Sarmiento", "Segovia", "Sellán", "Simbaña", "Sotomayor", "Tamayo", "Tello",
	"Tene", "Toala", "Toaquiza", "Trujillo", "Tufiño", "Ulloa", "Urbina", "Valladares", "Velásquez", "Veloz",
	"Villegas", "Yaguana", "Zapata", "Zúñiga", "Achig", "Aldaz", "Alvear", "Andrango", "Anrango", "Ante",
	"Aucancela", "Bajaña", "Bastidas", "Buenaño", "Cabascango", "Cacuango", "Caguana", "Camino", "Carpio", "Cevallos",
	"Changoluisa", "Chela", "Chuya", "Cuzco", "Defaz", "Escudero", "Gualpa", "Guallichico", "Guananga", "Guato",
	"Inca", "Jácome", "Jumbo", "Lasluisa", "Lata", "Lincango", "Maliza", "Manobanda", "Masapanta", "Morocho",
	"Nenger", "Ocaña", "Pacheco", "Paguay", "Panchi", "Pastuña", "Pauta", "Pichucho", "Punina", "Quilca",
	"Quinatoa", "Remache", "Saransig", "Shiguango", "Sisa", "Taco", "Tandazo", "Tarco", "Tixi", "Toscano",
	"Tutillo", "Ushiña", "Vinueza", "Yupa", "Zhagui", "Zumba", "Aponte", "Baque", "Bailón", "Bazán",
	"Cantos", "Carreño", "Chancusig", "Chiquito", "Cumbe", "Figueroa", "Guerrero", "Lamilla", "Mantuano", "Merchán",
	"Noriega", "Onofre", "Panchana", "Parra", "Pluas", "Ponguillo", "Quijije", "Rugel", "Soledispa", "Suárez",
}

package demo

import "github.com/enlace-desk/enlace/cases"

// Name lists of the demo: how names are written (accents), the demo's own
// given names and surnames beside the tables of real names they are drawn
// with (realnames.go), nicknames, street names, gangs and places.

var ecSurnames = []string{
	"Zambrano", "Sánchez", "Rodríguez", "Vera", "García", "Macías", "Mendoza", "Cedeño", "Loor", "López",
	"Pérez", "Chávez", "Torres", "Moreira", "Gómez", "Álvarez", "Ramírez", "Castillo", "Morales", "Suárez",
	"Quishpe", "Guamán", "Chicaiza", "Ayoví", "Mina", "Quiñónez", "Andrade", "Jiménez", "Romero", "Herrera",
	"Vargas", "Ortiz", "Espinoza", "Intriago", "Ponce", "Villamar", "Bravo", "Salazar", "Paredes", "Delgado",
	"Aguirre", "Cevallos", "Villacís", "Barre", "Alcívar", "Mera", "Pincay", "Zamora", "Lucas", "Solórzano",
	"Montesdeoca", "Tigua", "Caicedo", "Bone", "Cortez", "Valencia", "Cagua", "Pilligua", "Anchundia", "Murillo",
	"Chiriboga", "Yépez", "Benítez", "Yánez", "Córdova", "Naranjo", "Cárdenas", "Navarrete", "Cajape", "Quimí",
	"Tomalá", "Yagual", "Reyes", "Vélez", "Arteaga", "Palacios", "Santana", "Rivera", "Villavicencio", "de la Cruz",
	"del Pezo", "de los Santos", "Ullauri", "Tituaña", "Toapanta", "Lema", "Guanoluisa", "Pilataxi", "Tipán", "Chalá",
	"Angulo", "Estupiñán", "Corozo", "Valdez", "Hurtado", "Guerrero", "Nazareno", "Preciado", "Landázuri", "Olaya",
	"Ximénez", "Bajaña", "Holguín", "Villao", "Hidalgo", "Jaramillo", "Bermeo", "Zhunio", "Sigcho", "Llivichuzhca",
}

// Latin-American surnames common among US-held records.
var latamSurnames = []string{
	"Hernández", "Martínez", "González", "Rodríguez", "López", "Pérez", "Ramírez", "Flores", "Rivera", "Gutiérrez",
	"Díaz", "Cruz", "Reyes", "Morales", "Ortiz", "Castillo", "Ruiz", "Mejía", "Aguilar", "Vásquez",
	"Jiménez", "Medina", "Contreras", "Salinas", "Villanueva", "Fuentes", "Orellana", "Argueta", "Portillo", "Escobar",
}

var maleGiven = []string{
	"José", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Pedro", "Manuel", "Fernando", "Francisco",
	"Jesús", "Antonio", "Ángel", "Andrés", "Diego", "David", "Javier", "Víctor", "Mario", "Roberto",
	"Alberto", "Ricardo", "Eduardo", "Santiago", "Marco", "Wilson", "Segundo", "Washington", "Jefferson", "Byron",
	"Adolfo", "Rodolfo", "Guillermo", "Enrique", "Ignacio", "Vicente", "Alfonso", "Gregorio", "Rafael", "Hugo",
	"Darwin", "Édison", "Geovanny", "Jhon", "Kléber", "Holger", "Fausto", "Galo", "Patricio", "Xavier",
	"Julio", "César", "Pablo", "Sebastián", "Mateo", "Joel", "Bryan", "Kevin", "Anthony", "Christian",
}

var femaleGiven = []string{
	"María", "Ana", "Rosa", "Carmen", "Gloria", "Martha", "Luz", "Blanca", "Mercedes", "Lucía",
	"Patricia", "Diana", "Verónica", "Mónica", "Sandra", "Jessica", "Gabriela", "Daniela", "Andrea", "Paola",
	"Guadalupe", "Rosario", "Concepción", "Consuelo", "Dolores", "Teresa", "Isabel", "Elena", "Fernanda", "Alexandra",
	"Jenny", "Narcisa", "Mayra", "Johanna", "Katherine", "Tatiana", "Ximena", "Nelly", "Piedad", "Fátima",
}

// nicknames gives everyday nicknames of given names (used as monikers).
var nicknames = map[string][]string{
	"Adolfo": {"Fito"}, "Rodolfo": {"Fito", "Rodo"}, "José": {"Pepe", "Chepe"}, "Francisco": {"Pancho", "Paco"},
	"Luis": {"Lucho"}, "Ignacio": {"Nacho"}, "Antonio": {"Toño"}, "Alberto": {"Beto"}, "Roberto": {"Beto"},
	"Guillermo": {"Memo"}, "Jesús": {"Chucho"}, "Enrique": {"Quique"}, "Guadalupe": {"Lupe"}, "Rosario": {"Charo"},
	"Concepción": {"Concha"}, "Consuelo": {"Chelo"}, "Dolores": {"Lola"}, "Teresa": {"Tere"}, "Manuel": {"Manolo"},
	"Eduardo": {"Lalo"}, "Fernando": {"Nando"}, "Vicente": {"Chente"}, "Alfonso": {"Poncho"}, "Gregorio": {"Goyo"},
	"Patricia": {"Paty"}, "Gabriela": {"Gaby"}, "Rafael": {"Rafa"}, "Santiago": {"Santi"},
	"Robert": {"Bob", "Bobby"}, "William": {"Bill", "Will"}, "James": {"Jim", "Jimmy"}, "Michael": {"Mike"},
	"Richard": {"Rick"}, "Joseph": {"Joe"}, "Thomas": {"Tom"}, "Christopher": {"Chris"}, "Daniel": {"Danny"},
	"Elizabeth": {"Liz", "Beth"}, "Jennifer": {"Jen"}, "Susan": {"Sue"},
}

// streetNames are monikers that are not nicknames of a given name.
var streetNames = []string{
	"El Flaco", "El Gordo", "Negro", "Chino", "El Gato", "Cholo", "Mono", "El Loco", "Zurdo", "Pelado",
	"Caballo", "Diablo", "Tigre", "Lobo", "El Mudo", "Chiquito", "Cuchillo", "Sombra", "El Profe", "Junior",
}

var ecGangs = []string{"Los Choneros", "Los Lobos", "Los Tiguerones", "Los Chone Killers", "Los Lagartos", "Latin Kings", "Los Fatales", "Los Águilas"}
var usGangs = []string{"MS-13", "Tren de Aragua", "Barrio 18", "Latin Kings", "Sureños"}

var ports = []string{
	"JFK International Airport", "Miami International Airport", "Houston Bush Intercontinental", "Newark Liberty",
	"Los Angeles International", "San Ysidro Port of Entry", "Port of Miami", "Atlanta Hartsfield-Jackson",
	"Aeropuerto Mariscal Sucre, Quito", "Aeropuerto José Joaquín de Olmedo, Guayaquil", "Puerto de Manta", "Rumichaca border crossing",
}

// provinces with weights for cédula numbers (Guayas, Pichincha, Manabí lead).
var provinceWeights = []struct{ code, weight int }{
	{9, 26}, {17, 18}, {13, 11}, {7, 5}, {12, 5}, {8, 4}, {23, 3}, {18, 3}, {6, 3}, {1, 4},
	{10, 3}, {11, 3}, {24, 2}, {5, 2}, {4, 1}, {2, 1}, {3, 1}, {14, 1}, {15, 1}, {16, 1}, {19, 1}, {20, 1}, {21, 1}, {22, 1}, {30, 1},
}

// moreSurnames widens the long tail: Ecuador has thousands of surnames, and
// a gallery where a handful cover everyone is neither realistic nor a fair
// test of search.
var moreSurnames = []string{
	"Acosta", "Aguilar", "Alarcón", "Albán", "Almeida", "Alvarado", "Amores", "Araujo", "Arévalo", "Arias",
	"Armijos", "Arroyo", "Ávila", "Balseca", "Baquerizo", "Barragán", "Barrera", "Barreto", "Bastidas", "Batallas",
	"Becerra", "Bedón", "Beltrán", "Borja", "Bustamante", "Bustos", "Cabrera", "Calderón", "Calle", "Camacho",
	"Campoverde", "Cando", "Carrasco", "Carrera", "Carrión", "Castro", "Cazar", "Cedillo", "Celi", "Chamorro",
	"Chancay", "Chango", "Chasi", "Chicango", "Chimbo", "Chuquimarca", "Cisneros", "Coello", "Collaguazo", "Coronel",
	"Correa", "Cuenca", "Cueva", "Dávila", "Durán", "Echeverría", "Encalada", "Enríquez", "Escobar", "Espín",
	"Falconí", "Fierro", "Figueroa", "Fuentes", "Gaibor", "Gallardo", "Gallegos", "Galarza", "Garcés", "Garzón",
	"Gavilanes", "Gordillo", "Granda", "Guaranda", "Guerra", "Guevara", "Guillén", "Haro", "Heredia", "Iñiguez",
	"Jácome", "Játiva", "Jurado", "Lara", "Larrea", "Ledesma", "León", "Lituma", "Llerena", "Loaiza",
	"Lozada", "Luna", "Maldonado", "Manzano", "Mejía", "Meneses", "Merino", "Miranda", "Molina", "Moncayo",
	"Montaño", "Montenegro", "Montero", "Mora", "Moreno", "Muñoz", "Narváez", "Navas", "Noboa", "Núñez",
	"Ochoa", "Ordóñez", "Orellana", "Ortega", "Pacheco", "Padilla", "Paz", "Peña", "Peñafiel", "Pesántez",
	"Pineda", "Pinos", "Pinto", "Proaño", "Puente", "Quezada", "Quintero", "Quiroz", "Ramos", "Recalde",
	"Riofrío", "Robalino", "Rojas", "Rosales", "Rosero", "Ruales", "Saltos", "Samaniego", "Sarango", "Serrano",
	"Sisalema", "Sosa", "Tapia", "Tenorio", "Terán", "Toledo", "Tobar", "Troya", "Unda", "Uquillas",
	"Urgilés", "Valarezo", "Vallejo", "Vásconez", "Velasco", "Velasteguí", "Viteri", "Vivanco", "Yumbo", "Zurita",
}

// showcase are the names the README and the tools' help use as examples,
// given to the first Ecuadorian subjects of the stream: a family (the
// Macías Villamar), two men a nickname may name (Fito: Adolfo or Rodolfo),
// and the examples of a wrong given name and swapped surnames.
var showcase = []struct {
	name    cases.Name
	sex     cases.Sex
	aliases []cases.Alias
}{
	{cases.Name{Given: []string{"José", "Adolfo"}, Paternal: "Macías", Maternal: "Villamar"}, cases.SexMale, []cases.Alias{{Name: "Fito", Moniker: true}}},
	{cases.Name{Given: []string{"Carlos", "Andrés"}, Paternal: "Macías", Maternal: "Villamar"}, cases.SexMale, nil},
	{cases.Name{Given: []string{"María", "José"}, Paternal: "Macías", Maternal: "Villamar"}, cases.SexFemale, nil},
	{cases.Name{Given: []string{"Rodolfo"}, Paternal: "Macías", Maternal: "Cedeño"}, cases.SexMale, []cases.Alias{{Name: "Fito", Moniker: true}}},
	{cases.Name{Given: []string{"Jesús"}, Paternal: "Vargas", Maternal: "López"}, cases.SexMale, []cases.Alias{{Name: "Chucho", Moniker: true}}},
	{cases.Name{Given: []string{"Jorge", "Luis"}, Paternal: "Paredes", Maternal: "Salinas"}, cases.SexMale, nil},
}

#!/usr/bin/env python3
"""Generates the labelled name pairs (pairs.csv) and splits them into a tuning
set and a held-out set. Written before the scorer was tuned; rerun only to
rebuild the same files (fixed seed). Usage: python3 genpairs.py (in testdata/).

Each row: name1,name2,is_match,category. name1 is how a record writes the
person (everyday order, accents); name2 is how another source or an officer
writes the same person (is_match=1) or another person (is_match=0).
"""
import csv, random, unicodedata

R = random.Random(20261127)

MALE = """José Juan Luis Carlos Jorge Miguel Ángel Francisco Antonio Manuel Pedro Jesús Alberto Roberto
Fernando Eduardo Guillermo Enrique Ignacio Rafael Gregorio Vicente Alfonso Adolfo Rodolfo Andrés Diego
Santiago Sebastián Mateo Javier Raúl Héctor Hugo Humberto Gerardo Óscar Iván Byron Wilson Segundo Washington
Efraín Darwin Édison Kléber Geovanny Holger Marco Patricio Fabián Cristian Bolívar Ramiro Gustavo Julio César
Víctor Galo Milton Franklin Wellington Xavier Rubén Joel Bryan Jefferson Stalin Lenin Wilmer Ney Jacinto
Leonardo Silvio Gonzalo Marcelo Mauricio Esteban Joaquín Nelson Freddy Homero Gilberto Isidro Yandry""".split()
FEMALE = """María Ana Rosa Carmen Guadalupe Rosario Concepción Consuelo Dolores Pilar Teresa Patricia Gabriela
Verónica Mónica Jessica Ximena Jimena Yolanda Cecilia Isabel Elena Silvia Lorena Maribel Johanna Katherine
Mercedes Gloria Lucía Fernanda Andrea Daniela Valeria Nathaly Paola Lourdes Soledad Beatriz Margarita
Alexandra Wendy Mayra Viviana Elizabeth Jenny Gisela Yadira Narcisa Betty Inés Angélica Rocío Belén
Marlene Herminia Zoila Judith Graciela Sandra Tatiana Yesenia Hortensia""".split()
SUR = """Zambrano Sánchez Rodríguez Vera García Macías Mendoza Cedeño Loor Quishpe Guamán Chicaiza Ayoví Mina
Quiñónez Villamar Castillo Jiménez Mejía Hernández González Martínez Fernández Gómez Pérez López Torres
Morales Vásquez Ramírez Herrera Bravo Benítez Cevallos Villacís Yépez Salazar Espinoza Ortiz Ruiz Reyes
Álvarez Valencia Intriago Alcívar Moreira Chávez Barreiro Arteaga Pazmiño Tenorio Caicedo Quintero Corozo
Bone Cortez Valverde Orellana Holguín Hidalgo Villavicencio Calle Llerena Ayala Cabrera Guerrero Paredes
Yánez Toapanta Pilataxi Tipán Chiluisa Lema Yupanqui Cujilema Gualotuña Changoluisa Andrango Velasco Borja
Carvajal Ponce Solórzano Anchundia Delgado Briones Palacios Montaño Angulo Estupiñán Cagua Pincay Murillo
Villegas Chalén Suárez Muñoz Jaramillo Guevara Rivadeneira Escobar Navarrete Llumiquinga Simbaña Collaguazo
Yaguachi Huilca Herrería Zurita Achig Bajaña Baque Cevallos Lucas Vélez Sornoza Alava Mieles""".split()
PARTICLE_SUR = ["de la Cruz", "del Pezo", "de la Torre", "de los Santos", "del Castillo", "de la Rosa",
                "de la Cueva", "del Salto"]
COMPOUND_GIVEN = [("María", "José"), ("Juan", "Carlos"), ("José", "Luis"), ("Juan", "Pablo"),
                  ("María", "Fernanda"), ("Ana", "María"), ("Luis", "Miguel"), ("José", "Antonio"),
                  ("María", "Elena"), ("Juan", "José"), ("Rosa", "María"), ("Miguel", "Ángel"),
                  ("María", "Isabel"), ("Luis", "Alberto"), ("Jorge", "Luis")]
NICK = {"Adolfo": ["Fito"], "Rodolfo": ["Fito", "Rodo"], "José": ["Pepe", "Cheo"], "Francisco": ["Pancho", "Paco", "Curro", "Quico"],
        "Luis": ["Lucho"], "Ignacio": ["Nacho"], "Antonio": ["Toño", "Tony"], "Alberto": ["Beto"],
        "Roberto": ["Beto", "Tito"], "Humberto": ["Beto"], "Guillermo": ["Memo"], "Jesús": ["Chucho", "Chuy"],
        "Enrique": ["Quique", "Kike"], "Guadalupe": ["Lupe", "Lupita"], "Rosario": ["Charo"],
        "Concepción": ["Concha", "Conchita"], "Consuelo": ["Chelo"], "Dolores": ["Lola"], "Pilar": ["Pili"],
        "Manuel": ["Manolo", "Manu"], "Fernando": ["Nando", "Fer"], "Eduardo": ["Lalo"], "Gregorio": ["Goyo"],
        "Vicente": ["Chente"], "Alfonso": ["Poncho"], "Teresa": ["Tere"], "Patricia": ["Paty"],
        "Gabriela": ["Gaby"], "Rafael": ["Rafa"], "Santiago": ["Santi"], "Alejandro": ["Alex"],
        "Ramiro": ["Rami"], "Mercedes": ["Meche"], "Isabel": ["Chabela", "Isa"], "Gilberto": ["Beto"],
        "Sebastián": ["Sebas"], "Margarita": ["Maggie", "Marga"], "Graciela": ["Chela"],
        "Marcelo": ["Chelo"], "Soledad": ["Sole"], "Verónica": ["Vero"], "Daniela": ["Dani"]}
US_GIVEN_M = "Robert William James Michael Richard Charles Joseph Thomas Christopher Daniel Anthony Steven Edward".split()
US_GIVEN_F = "Elizabeth Jennifer Margaret Katherine Susan Patricia Rebecca Deborah Kimberly".split()
US_SUR = "Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Taylor Thomas Moore Jackson White Harris Clark".split()
US_NICK = {"Robert": ["Bob", "Rob", "Bobby"], "William": ["Bill", "Will", "Billy"], "James": ["Jim", "Jimmy"],
           "Michael": ["Mike"], "Richard": ["Dick", "Rick"], "Charles": ["Chuck", "Charlie"], "Joseph": ["Joe"],
           "Thomas": ["Tom"], "Christopher": ["Chris"], "Daniel": ["Dan", "Danny"], "Anthony": ["Tony"],
           "Steven": ["Steve"], "Edward": ["Ed", "Ted"], "Elizabeth": ["Liz", "Beth", "Betty"],
           "Jennifer": ["Jenny", "Jen"], "Margaret": ["Peggy", "Maggie"], "Katherine": ["Kate", "Kathy"],
           "Susan": ["Sue"], "Patricia": ["Patty", "Trish"], "Rebecca": ["Becky"], "Deborah": ["Debbie"],
           "Kimberly": ["Kim"]}
GENDER = [("Francisco", "Francisca"), ("Mario", "María"), ("Antonio", "Antonia"), ("Gabriel", "Gabriela"),
          ("Daniel", "Daniela"), ("Manuel", "Manuela"), ("Julio", "Julia"), ("Juan", "Juana"), ("Luis", "Luisa"),
          ("Carlos", "Carla"), ("Adrián", "Adriana"), ("Julián", "Juliana"), ("Fernando", "Fernanda"),
          ("Alejandro", "Alejandra"), ("Patricio", "Patricia"), ("Marcelo", "Marcela"), ("Ángel", "Ángela"),
          ("Víctor", "Victoria"), ("Sergio", "Sergia"), ("Roberto", "Roberta"), ("Ernesto", "Ernestina"),
          ("José", "Josefa"), ("Paulo", "Paula"), ("Lucio", "Lucía"), ("Mariano", "Mariana")]
ABBR = {"Francisco": ["Fco.", "Fco"], "María": ["Ma.", "Ma"], "Hernández": ["Hdez.", "Hdez"],
        "González": ["Glez.", "Gzlez."], "José": ["Jse", "Jse."], "Rodríguez": ["Rguez.", "Rdz.", "Rdguez"],
        "Martínez": ["Mtz.", "Mtnez."], "Fernández": ["Fdez.", "Fdz."], "Gómez": ["Gmez", "Gmz."],
        "Guadalupe": ["Gpe."], "Jesús": ["Jsus"], "Sánchez": ["Sanchz", "Sánchz."]}


def strip(s):
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


def person(sex=None, two_given=None, maternal=True, particle=False):
    sex = sex or R.choice("MF")
    pool = MALE if sex == "M" else FEMALE
    if two_given is None:
        two_given = R.random() < 0.7
    given = [R.choice(pool)]
    if two_given:
        g2 = R.choice(pool)
        while g2 == given[0]:
            g2 = R.choice(pool)
        given.append(g2)
    pat = R.choice(PARTICLE_SUR) if particle else R.choice(SUR)
    mat = R.choice(SUR) if maternal else ""
    while mat == pat:
        mat = R.choice(SUR)
    return {"given": given, "pat": pat, "mat": mat, "sex": sex}


def display(p):
    return " ".join(p["given"] + [p["pat"]] + ([p["mat"]] if p["mat"] else []))


def civil(p, comma=False, upper=True):
    sur = " ".join([p["pat"]] + ([p["mat"]] if p["mat"] else []))
    g = " ".join(p["given"])
    s = f"{sur}, {g}" if comma else f"{sur} {g}"
    return s.upper() if upper else s


def copy(p):
    return {"given": list(p["given"]), "pat": p["pat"], "mat": p["mat"], "sex": p["sex"]}


def parts(p):
    return p["given"] + [p["pat"]] + ([p["mat"]] if p["mat"] else [])


def replace_in(p, fn):
    """Applies fn to one part that it changes; returns the new person or None."""
    slots = [("given", i) for i in range(len(p["given"]))] + [("pat", None)] + ([("mat", None)] if p["mat"] else [])
    R.shuffle(slots)
    for k, i in slots:
        old = p[k][i] if i is not None else p[k]
        new = fn(old)
        if new and new != old and strip(new).lower() != strip(old).lower():
            q = copy(p)
            if i is None:
                q[k] = new
            else:
                q[k][i] = new
            return q
    return None


def sub_rules(rules):
    def fn(w):
        lw = w
        opts = []
        for a, b in rules:
            idx = strip(lw).lower().find(a)
            if idx >= 0:
                opts.append((idx, a, b))
        if not opts:
            return None
        idx, a, b = R.choice(opts)
        base = strip(lw)
        out = base[:idx] + b + base[idx + len(a):]
        if idx == 0:
            out = out[:1].upper() + out[1:]
        return out
    return fn


BV = [("b", "v"), ("v", "b")]
SZC = [("z", "s"), ("s", "z"), ("ce", "se"), ("ci", "si"), ("se", "ce"), ("si", "ci"), ("z", "c")]
LLY = [("ll", "y"), ("y", "ll")]
H = [("h", ""), ("e", "he"), ("o", "ho"), ("a", "ha")]
JGX = [("j", "g"), ("ge", "je"), ("gi", "ji"), ("j", "x"), ("x", "j"), ("xi", "ji"), ("ji", "xi")]
IY = [("i", "y"), ("y", "i")]


def typo(w):
    b = strip(w).lower()
    if len(b) < 4:
        return None
    i = R.randrange(1, len(b) - 1)
    k = R.choice(["swap", "del", "ins", "sub"])
    if k == "swap":
        b = b[:i] + b[i + 1] + b[i] + b[i + 2:]
    elif k == "del":
        b = b[:i] + b[i + 1:]
    elif k == "ins":
        b = b[:i] + R.choice("aeiourlnst") + b[i:]
    else:
        b = b[:i] + R.choice("aeiourlnstmc") + b[i + 1:]
    return b.capitalize()


rows = []


def add(a, b, m, cat):
    if strip(a).lower() == strip(b).lower() and m == 1 and cat not in ("exact", "accents"):
        return
    rows.append((a, b, m, cat))


def variant(cat, fn, n):
    made = 0
    while made < n:
        p = person()
        q = fn(p)
        if q is None:
            continue
        a, b = q if isinstance(q, tuple) else (display(p), display(q))
        add(a, b, 1, cat)
        made += 1


# --- matches ---
for _ in range(10):
    p = person()
    rows.append((display(p), display(p), 1, "exact"))
variant("accents", lambda p: (display(p), strip(display(p)) if R.random() < .5 else strip(display(p)).upper()), 22)
variant("b_v", lambda p: replace_in(p, sub_rules(BV)), 22)
variant("s_z_c", lambda p: replace_in(p, sub_rules(SZC)), 22)
variant("ll_y", lambda p: replace_in(p, sub_rules(LLY)), 18)
variant("silent_h", lambda p: replace_in(p, sub_rules(H[:1])) or None, 14)
variant("silent_h", lambda p: replace_in(p, lambda w: ("H" + strip(w).lower()) if strip(w)[0] in "AEIOUaeiou" else None), 6)
variant("j_g_x", lambda p: replace_in(p, sub_rules(JGX)), 20)
variant("i_y", lambda p: replace_in(p, sub_rules(IY)), 18)


def missing_mat(p):
    if not p["mat"]:
        return None
    q = copy(p)
    q["mat"] = ""
    return (display(p), display(q)) if R.random() < .5 else (display(q), display(p))


variant("missing_maternal", missing_mat, 24)


def compound(p):
    g = R.choice(COMPOUND_GIVEN)
    p["given"] = list(g)
    joined = g[0] + g[1].lower()
    if R.random() < .5:
        joined = strip(joined)
    q = copy(p)
    q["given"] = [joined]
    return display(p), display(q)


variant("compound_together", compound, 18)


def initials(p):
    q = copy(p)
    r = R.random()
    if len(q["given"]) == 2 and r < .4:
        q["given"] = [q["given"][0], strip(q["given"][1])[0] + "."]
    elif len(q["given"]) == 2 and r < .7:
        q["given"] = [strip(g)[0] + "." for g in q["given"]]
    else:
        q["given"] = [strip(q["given"][0])[0] + "."] + q["given"][1:]
    return display(p), display(q)


variant("initials", initials, 24)
variant("typo", lambda p: replace_in(p, typo), 30)


def nickname(p):
    names = [n for n in NICK if n in MALE + FEMALE + ["Alejandro"]]
    n = R.choice(list(NICK))
    sex = "F" if n in FEMALE or n in ("Daniela", "Soledad", "Verónica", "Margarita", "Graciela") else "M"
    p = person(sex=sex)
    p["given"][0] = n
    q = copy(p)
    q["given"] = [R.choice(NICK[n])] + (q["given"][1:] if R.random() < .3 else [])
    if R.random() < .3:
        q["mat"] = ""
    return display(p), display(q)


variant("nickname", nickname, 30)


def civil_order(p):
    r = R.random()
    if r < .4:
        b = civil(p)
    elif r < .7:
        b = civil(p, comma=True, upper=R.random() < .5)
    else:
        b = strip(civil(p))
    return display(p), b


variant("civil_order", civil_order, 28)


def particle(p):
    p = person(particle=True)
    q = copy(p)
    pat = p["pat"]
    core = pat.split()[-1]
    r = R.random()
    if r < .35:
        q["pat"] = pat.replace(" ", "").capitalize()
    elif r < .6:
        q["pat"] = core
    elif r < .8:
        q["pat"] = " ".join(w.capitalize() for w in pat.split())
    else:
        return display(p), civil(q)
    return display(p), display(q)


variant("particles", particle, 20)


def abbrev(p):
    keys = list(ABBR)
    k = R.choice(keys)
    if k in ("Hernández", "González", "Rodríguez", "Martínez", "Fernández", "Gómez", "Sánchez"):
        p["pat"] = k
    elif k in ("María", "Guadalupe"):
        p = person(sex="F")
        p["given"][0] = k
    else:
        p = person(sex="M")
        p["given"][0] = k
    q = copy(p)
    if q["pat"] == k:
        q["pat"] = R.choice(ABBR[k])
    else:
        q["given"][0] = R.choice(ABBR[k])
    return display(p), display(q)


variant("abbreviations", abbrev, 20)


def mixed(p):
    q = copy(p)
    for _ in range(2):
        fn = R.choice([sub_rules(BV), sub_rules(SZC), sub_rules(LLY), sub_rules(JGX), sub_rules(IY), typo])
        q2 = replace_in(q, fn)
        if q2:
            q = q2
    if R.random() < .4 and q["mat"]:
        q["mat"] = ""
    b = civil(q) if R.random() < .5 else strip(display(q))
    return display(p), b


variant("mixed", mixed, 24)


def us_nick(p):
    sexm = R.random() < .6
    g = R.choice(US_GIVEN_M if sexm else US_GIVEN_F)
    mid = R.choice(US_GIVEN_M if sexm else US_GIVEN_F) if R.random() < .4 else ""
    s = R.choice(US_SUR)
    a = " ".join(x for x in [g, mid, s] if x)
    b = " ".join(x for x in [R.choice(US_NICK[g]), s] if x)
    return a, b


variant("us_nickname", us_nick, 14)

# --- hard non-matches ---


def sibling(_):
    p = person()
    q = copy(p)
    q["sex"] = R.choice("MF")
    pool = MALE if q["sex"] == "M" else FEMALE
    q["given"] = [R.choice(pool) for _ in range(len(p["given"]))]
    if set(q["given"]) & set(p["given"]):
        return None
    b = display(q) if R.random() < .7 else civil(q)
    return display(p), b


def maternal_differs(_):
    p = person(maternal=True)
    q = copy(p)
    while q["mat"] in (p["mat"], p["pat"]):
        q["mat"] = R.choice(SUR)
    return display(p), display(q) if R.random() < .7 else civil(q)


def gender(_):
    m, f = R.choice(GENDER)
    p = person(sex="M")
    p["given"][0] = m
    q = copy(p)
    q["given"][0] = f
    if R.random() < .5:
        p, q = q, p
    return display(p), display(q)


COMMON_G = ["José", "Juan", "Luis", "Carlos", "María", "Ana", "Jorge", "Rosa"]
COMMON_S = ["Zambrano", "Sánchez", "Rodríguez", "Vera", "García", "Mendoza", "Cedeño", "López", "Pérez", "Macías"]


def common(_):
    g = R.choice(COMMON_G)
    s1 = R.choice(COMMON_S)
    a = [g, R.choice(MALE if g not in ("María", "Ana", "Rosa") else FEMALE), s1, R.choice(SUR)]
    b = [g, R.choice(MALE if g not in ("María", "Ana", "Rosa") else FEMALE), s1, R.choice(SUR)]
    r = R.random()
    if r < .35:
        b = [g, s1, b[3]]            # one given name, other maternal surname
    elif r < .6:
        a = [g, a[1], s1, R.choice(COMMON_S)]
        b = [g, b[1], s1, R.choice(COMMON_S)]
    if a[1] == b[1] or a[-1] == b[-1]:
        return None
    return " ".join(a), " ".join(b)


def different(_):
    p, q = person(), person()
    return display(p), display(q)


def us_diff(_):
    s = R.choice(US_SUR)
    g1, g2 = R.sample(US_GIVEN_M, 2)
    return f"{g1} {s}", f"{R.choice(US_NICK[g2])} {s}"


for cat, fn, n in [("sibling", sibling, 34), ("other_maternal", maternal_differs, 30), ("gender_form", gender, 26),
                   ("common_names", common, 28), ("different_people", different, 12), ("us_different", us_diff, 8)]:
    made = 0
    while made < n:
        r = fn(None)
        if r is None:
            continue
        rows.append((r[0], r[1], 0, cat))
        made += 1

# Dedupe, shuffle, split stratified by category: alternate rows of each category.
seen, uniq = set(), []
for r in rows:
    k = (r[0], r[1])
    if k not in seen:
        seen.add(k)
        uniq.append(r)
R.shuffle(uniq)
tune, hold = [], []
count = {}
for r in uniq:
    c = count.get(r[3], 0)
    (tune if c % 2 == 0 else hold).append(r)
    count[r[3]] = c + 1
for name, data in [("pairs.csv", uniq), ("pairs-tune.csv", tune), ("pairs-holdout.csv", hold)]:
    with open(name, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["name1", "name2", "is_match", "category"])
        w.writerows(uniq if name == "pairs.csv" else data)
print(len(uniq), len(tune), len(hold))

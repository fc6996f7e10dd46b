"""Demo content: the programme's real partners and schools (public facts with their sources),
and clearly fictitious demo projects and accounts.

Sources: ../shared/docs/domain.md §0 and §5.1 (each school carries the URLs cited there).
No finances are invented for real schools; the demo projects are marked « fictif ».
"""

DEMO_PASSWORD = "essaim-demo-2026"

PARTNERS = [
    {
        "key": "region",
        "name": "Région Hauts-de-France",
        "kind": "region",
        "siren": "200053742",
        "commune": "59350",
        "website": "https://www.hautsdefrance.fr",
        "source_url": "https://www.picardiegazette.fr/article/de-nouvelles-ecoles-de-production-dans-la-region",
        "description": (
            "Partenaire du programme « 5 écoles de production en Hauts-de-France d'ici 2023 » (décembre 2020) : "
            "analyse d'opportunité, réseaux de partenaires, mobilisation des financements dont les fonds européens."
        ),
    },
    {
        "key": "bdt",
        "name": "Banque des Territoires – direction régionale Hauts-de-France",
        "kind": "banque_des_territoires",
        "siren": "180020026",
        "commune": "59350",
        "website": "https://www.banquedesterritoires.fr",
        "source_url": "https://www.picardiegazette.fr/article/de-nouvelles-ecoles-de-production-dans-la-region",
        "description": (
            "Groupe Caisse des Dépôts. Repère les territoires et les partenaires privés, instruit les dossiers "
            "et accorde des prêts subordonnés pour les premiers investissements et le fonds de roulement."
        ),
    },
    {
        "key": "fnep",
        "name": "Fédération nationale des écoles de production (FNEP)",
        "kind": "federation",
        "website": "https://www.ecoles-de-production.com",
        "source_url": "https://www.picardiegazette.fr/article/de-nouvelles-ecoles-de-production-dans-la-region",
        "description": "Accompagne les porteurs de projet, valide leur plan de financement et le soumet à la "
        "Banque des Territoires ; délivre le label.",
    },
    {
        "key": "departement_nord",
        "name": "Département du Nord",
        "kind": "collectivite",
        "collectivite_level": "department",
        "department": "59",
        "siren": "225900018",
    },
    {
        "key": "cud",
        "name": "Communauté urbaine de Dunkerque",
        "kind": "collectivite",
        "collectivite_level": "epci",
        "epci": "245900428",
        "siren": "245900428",
    },
    {
        "key": "cabbalr",
        "name": "Communauté d'agglomération de Béthune-Bruay, Artois-Lys Romane",
        "kind": "collectivite",
        "collectivite_level": "epci",
        "epci": "200072460",
        "siren": "200072460",
    },
    {
        "key": "ccest_somme",
        "name": "Communauté de communes de l'Est de la Somme",
        "kind": "collectivite",
        "collectivite_level": "epci",
        "epci": "200070985",
        "siren": "200070985",
    },
]

# Real écoles de production in Hauts-de-France (domain.md §5.1). Trades use the seeded trade slugs.
SCHOOLS = [
    {
        "name": "École de Production Environnement Durable (EPED)",
        "short_name": "EPED",
        "commune": "59484",
        "trades": ["bois-menuiserie"],
        "diploma": "Menuiserie, construction bois",
        "opening_year": 2012,
        "opening_label": "2012",
        "carrier": "Association",
        "sources": [
            "http://m.onisep.fr/Pres-de-chez-vous/Hauts-de-France/Lille/Se-former-dans-ma-region/L-Ecole-de-production-de-Quievrechain-Faire-pour-apprendre"
        ],
    },
    {
        "name": "École de production ICAM Lille",
        "short_name": "ICAM Lille",
        "commune": "59350",
        "trades": ["usinage"],
        "diploma": "Industrie (usinage)",
        "opening_label": "date non trouvée",
        "carrier": "ICAM (école d'ingénieurs) ; labellisée FNEP",
        "sources": ["https://www.fesic.org/les-cas-decole-fesic-lecole-de-production-icam-toulouse/"],
    },
    {
        "name": "EPAL – École de Production Automobile de Lens",
        "short_name": "EPAL",
        "commune": "62498",
        "trades": ["automobile"],
        "diploma": "CAP maintenance des véhicules",
        "opening_year": 2017,
        "opening_label": "mars 2017",
        "carrier": "Association ; 24 élèves et 3 maîtres professionnels (2020)",
        "sources": ["http://epal62.fr/ecole/", "https://journalauto.com/social/lepal-casse-les-codes-de-la-formation"],
    },
    {
        "name": "O'Tech Sud Oise",
        "short_name": "O'Tech",
        "commune": "60159",
        "trades": ["usinage", "metallerie-chaudronnerie"],
        "diploma": "CAP, puis 1re année de Bac pro",
        "opening_year": 2021,
        "opening_label": "15/09/2021",
        "carrier": "Industriels (Poclain, Safran, CMC) et UIMM ; lauréate de l'AMI",
        "sources": [
            "https://gazetteoise.fr/article/l-ecole-de-production-o-tech-sud-oise-soutenue-par-l-etat",
            "https://otech-ecoledeproduction.fr/article-presse-le-monde/",
        ],
    },
    {
        "name": "EPICC – École de Production Industrielle de Couture et Confection",
        "short_name": "EPICC",
        "commune": "59512",
        "trades": ["textile"],
        "diploma": "CAP métiers de la mode",
        "opening_year": 2021,
        "opening_label": "07/10/2021",
        "carrier": "Fondateur P. Delannoy ; lauréate de l'AMI",
        "sources": [
            "https://www.eco121.fr/pierre-delannoy-il-ouvre-la-premiere-ecole-de-production-textile-de-lhexagone/",
            "https://roubaixxl.fr/epicc-apprendre-couture",
        ],
    },
    {
        "name": "EP2B – École de Production de Béthune-Bruay",
        "short_name": "EP2B",
        "commune": "62178",
        "trades": ["usinage"],
        "diploma": "CAP conducteur d'installations de production",
        "opening_year": 2021,
        "opening_label": "décembre 2021 (à Lillers, puis Bruay-la-Buissière)",
        "carrier": "Communauté d'agglomération de Béthune-Bruay",
        "sources": ["https://www.eco121.fr/agglo-bethune-bruay-ecole-production-lillers/"],
    },
    {
        "name": "Étincelle – École de production de Thiérache et Serre",
        "short_name": "Étincelle",
        "commune": "02789",
        "trades": ["metallerie-chaudronnerie"],
        "diploma": "Soudure, chaudronnerie",
        "opening_year": 2022,
        "opening_label": "automne 2022 (inaugurée en mars 2023)",
        "carrier": "Association ; Territoire d'industrie Thiérache",
        "sources": [
            "https://lagazettefrance.fr/article/vervins-se-prepare-a-accueillir-une-ecole-de-production",
            "https://libertehebdo.fr/politique-et-citoyens/article/3-questions-a-jean-marc-prince-maire-de-vervins",
        ],
    },
    {
        "name": "Flamme – École de production de l'Est de la Somme",
        "short_name": "Flamme",
        "commune": "80410",
        "trades": ["metallerie-chaudronnerie"],
        "diploma": "Chaudronnerie, soudure",
        "opening_year": 2023,
        "opening_label": "fin septembre 2023 (inaugurée le 18/11/2024)",
        "carrier": "Industriels de l'est de la Somme et CC de l'Est de la Somme",
        "sources": [
            "https://lagazettefrance.fr/article/la-flamme-premiere-ecole-de-production-dans-la-somme-a-ham",
            "https://lagazettefrance.fr/article/flamme-la-premiere-ecole-de-production-inauguree",
        ],
    },
    {
        "name": "Prod'Factory",
        "short_name": "Prod'Factory",
        "commune": "02279",
        "trades": ["usinage"],
        "diploma": "CAP conducteur d'installations de production, puis Bac pro TRPM",
        "opening_year": 2023,
        "opening_label": "octobre (2023 selon le projet ; date de l'article incertaine)",
        "carrier": "UISA (60 industriels) et agglomération de Château-Thierry",
        "sources": ["https://lagazettefrance.fr/article/la-prod-factory-forme-les-jeunes-a-l-usinage"],
    },
]

# Fictitious demo projects, one per département (domain.md §7.3), at different stages.
# Each gets a fictitious financing plan built from the engine's demo plan (financing_engine.demo_plan):
# a BdT subordinated loan of 130 000 to 200 000 € over 10 years with 3 years' deferral (the programme's
# observed terms), local grants varied per project, the investment rebalanced so that uses = sources.
# The project whose funding is secured has a submitted (frozen) version.
DEMO_HOLDERS = [
    {"key": "holder_dunkerque", "name": "Association Forge du Littoral (fictive)", "commune": "59183"},
    {"key": "holder_lievin", "name": "Association Garage-École du Bassin minier (fictive)", "commune": "62510"},
    {"key": "holder_hirson", "name": "Association Thiérache Métal (fictive)", "commune": "02381"},
    {"key": "holder_abbeville", "name": "Association Bois & Baie (fictive)", "commune": "80001"},
    {"key": "holder_creil", "name": "Association Atelier Sud-Oise Métallerie (fictive)", "commune": "60175"},
    {"key": "holder_arras", "name": "Association Forges d'Artois (fictive)", "commune": "62041"},
    {"key": "holder_amiens", "name": "Association Bois de Somme (fictive)", "commune": "80021"},
]

# Each demo project carries a fictitious history of its stages (stage, date entered), so that timelines
# and late flags have something to show.
DEMO_PROJECTS = [
    {
        "name": "École de production de Dunkerque – usinage (démo)",
        "holder": "holder_dunkerque",
        "commune": "59183",
        "trades": {"usinage": 12},
        "stage": "financing_plan",
        "target_opening_date": "2027-09-01",
        "history": [
            ("idea", "2025-01-15"),
            ("opportunity_study", "2025-04-01"),
            ("accreditation_pending", "2025-09-15"),
            ("accredited", "2026-02-10"),
            ("financing_plan", "2026-04-01"),
        ],
        "description": "Projet fictif : école d'usinage adossée aux industriels du port de Dunkerque, 12 places.",
        "plan": {
            "bdt_loan": 150_000,
            "start_date": "2027-09-01",
            "region_grant": 70_000,
            "epci_grant": 50_000,
            "submitted": False,
        },
    },
    {
        "name": "Garage-école du bassin minier (démo)",
        "holder": "holder_lievin",
        "commune": "62510",
        "trades": {"automobile": 12},
        "stage": "accreditation_pending",
        "target_opening_date": "2027-09-01",
        "history": [
            ("idea", "2025-06-02"),
            ("opportunity_study", "2025-10-06"),
            ("accreditation_pending", "2026-06-15"),
        ],
        "description": "Projet fictif : maintenance automobile à Liévin, pour les jeunes du bassin minier.",
        "plan": {
            "bdt_loan": 130_000,
            "start_date": "2027-09-01",
            "region_grant": 60_000,
            "epci_grant": 40_000,
            "submitted": False,
        },
    },
    {
        "name": "Thiérache Métal – chaudronnerie (démo)",
        "holder": "holder_hirson",
        "commune": "02381",
        "trades": {"metallerie-chaudronnerie": 12},
        "stage": "opportunity_study",
        "target_opening_date": "2028-01-03",
        "history": [("idea", "2026-01-12"), ("opportunity_study", "2026-05-04")],
        "description": "Projet fictif : chaudronnerie et soudure à Hirson.",
        "plan": {
            "bdt_loan": 170_000,
            "start_date": "2028-01-01",
            "region_grant": 80_000,
            "epci_grant": 30_000,
            "submitted": False,
        },
    },
    {
        "name": "Bois & Baie – menuiserie (démo)",
        "holder": "holder_abbeville",
        "commune": "80001",
        "trades": {"bois-menuiserie": 12},
        "stage": "idea",
        "target_opening_date": "2028-09-01",
        "history": [("idea", "2026-09-07")],
        "description": "Projet fictif : menuiserie et agencement à Abbeville.",
        "plan": {
            "bdt_loan": 140_000,
            "start_date": "2028-09-01",
            "region_grant": 60_000,
            "epci_grant": 45_000,
            "submitted": False,
        },
    },
    {
        "name": "Atelier Sud-Oise – métallerie (démo)",
        "holder": "holder_creil",
        "commune": "60175",
        "trades": {"metallerie-chaudronnerie": 12, "usinage": 12},
        "stage": "funding_secured",
        "target_opening_date": "2027-01-04",
        "history": [
            ("idea", "2024-09-02"),
            ("opportunity_study", "2024-12-02"),
            ("accreditation_pending", "2025-04-14"),
            ("accredited", "2025-09-01"),
            ("financing_plan", "2025-10-06"),
            ("funding_secured", "2026-07-01"),
        ],
        "description": "Projet fictif : métallerie-serrurerie et usinage à Creil, 24 places.",
        "plan": {
            "bdt_loan": 200_000,
            "start_date": "2027-01-01",
            "region_grant": 90_000,
            "epci_grant": 60_000,
            "submitted": True,
        },
    },
]

# Two older projects give the programme a history since its start (December 2020): « à la date du
# 31/12/2023 » shows a project whose funding was secured and paid in 2023 (it opens in 2024) and one at
# the financing plan, its loan just decided.
DEMO_PROJECTS += [
    {
        "name": "Forges d'Artois – métallerie (démo)",
        "holder": "holder_arras",
        "commune": "62041",
        "trades": {"metallerie-chaudronnerie": 12},
        "stage": "open",
        "target_opening_date": "2024-09-02",
        "history": [
            ("idea", "2021-02-01"),
            ("opportunity_study", "2021-05-03"),
            ("accreditation_pending", "2021-11-15"),
            ("accredited", "2022-03-07"),
            ("financing_plan", "2022-06-01"),
            ("funding_secured", "2023-03-15"),
            ("open", "2024-09-02"),
        ],
        "description": "Projet fictif : métallerie à Arras, financement bouclé en 2023, ouverte en septembre 2024.",
        "plan": {
            "bdt_loan": 150_000,
            "start_date": "2023-09-01",
            "region_grant": 80_000,
            "epci_grant": 40_000,
            "submitted": True,
        },
    },
    {
        "name": "Bois de Somme – menuiserie (démo)",
        "holder": "holder_amiens",
        "commune": "80021",
        "trades": {"bois-menuiserie": 12},
        "stage": "financing_plan",
        "target_opening_date": "2025-09-01",
        "history": [
            ("idea", "2022-01-10"),
            ("opportunity_study", "2022-06-13"),
            ("accreditation_pending", "2023-02-06"),
            ("accredited", "2023-06-12"),
            ("financing_plan", "2023-10-02"),
        ],
        "description": "Projet fictif : menuiserie à Amiens ; le financement tarde à se boucler.",
        "plan": {
            "bdt_loan": 130_000,
            "start_date": "2025-09-01",
            "region_grant": 60_000,
            "epci_grant": 30_000,
            "submitted": False,
        },
    },
]

DEMO_PLAN_NAME = "Plan de financement (fictif)"

# One demo account per role: (e-mail, first name, last name, organisation key, membership role, is_staff)
DEMO_ACCOUNTS = [
    ("admin@essaim.demo", "Alice", "Admin", None, None, True),
    ("region@essaim.demo", "Régine", "Durand", "region", "admin", False),
    ("lecteur.region@essaim.demo", "Léo", "Lecteur", "region", "reader", False),
    ("bdt@essaim.demo", "Bernard", "Delattre", "bdt", "member", False),
    ("fnep@essaim.demo", "Fanny", "Nowak", "fnep", "member", False),
    ("collectivite@essaim.demo", "Colette", "Vandamme", "cud", "member", False),
    ("porteur@essaim.demo", "Paul", "Lefebvre", "holder_dunkerque", "admin", False),
]

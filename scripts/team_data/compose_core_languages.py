"""Compose the de/fr/es/ru core documents from the team-written pools beside this file (run from the repository root)."""
import importlib.util, json, random
def load(path):
    spec = importlib.util.spec_from_file_location("p", path); m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); return m
for code in ["de", "fr", "es", "ru"]:
    pool = load(f"scripts/team_data/pools_{code}.py")
    rng = random.Random(code)
    docs = []
    for n in range(70):
        art = [(t, "article") for t in rng.sample(pool.ARTICLE, rng.randint(3, 7))]
        B = pool.BOILER
        appeal = [(t, "appeal") for t in rng.sample(B["appeal"], rng.randint(2, 5))] + [(rng.choice(B["ui"][:1] + B["ui"][2:3]), "ui")]
        def some(cat, k): return [(t, cat) for t in rng.sample(B[cat], min(k, len(B[cat])))]
        mode = n % 4
        if mode == 0:
            paras = art + appeal
        elif mode == 1:
            mid = len(art) // 2
            paras = some("meta", 2) + art[:mid] + appeal + art[mid:] + some("share", 2) + some("legal", 1)
        elif mode == 2:
            paras = some("navigation", 4) + some("cookie", 2) + some("meta", 1) + art + some("related", 3) + some("newsletter", 2) + some("comments", 2) + some("legal", 2)
        else:
            paras = appeal[:2] + some("navigation", 3) + some("subscription", 2) + art + some("ad", 2) + some("ui", 2) + some("legal", 1)
        docs.append({"id": f"core-{code}-{n:03d}", "source": "text", "lang": code, "paragraphs": [{"text": t, "label": l} for t, l in paras]})
    with open(f"training_data/core_{code}.jsonl", "w") as f:
        for d in docs: f.write(json.dumps(d, ensure_ascii=False) + "\n")
    print(code, len(docs), sum(len(d["paragraphs"]) for d in docs))

"""Compose a core English training file from the team-written sentences below (run from the repository root)."""
import json, random
rng = random.Random(11)
A = "article"
docs = []
def doc(id_, paras, lang="en"):
    docs.append({"id": id_, "source": "text", "lang": lang, "paragraphs": [{"text": t, "label": l} for t, l in paras]})

stories = [
 ["Flood barriers go up along the lower river as forecasters warn of a second surge",
  "Crews worked through the night on Sunday to raise temporary barriers along the lower stretch of the Ardle River, where water levels rose by nearly a metre in six hours.",
  "The regional emergency office said about 300 homes in the Millbank district had been told to prepare for evacuation if the second surge arrives on Tuesday as forecast.",
  "\"We are not there yet, but we would rather people pack a bag now than wade out at three in the morning,\" said Ines Calder, who leads the office's flood response.",
  "Schools in the district will stay closed until Wednesday.",
  "Reporting by Tomas Lind; editing by Rhea Watts."],
 ["Court orders new hearing in long-running port land dispute",
  "An appeals court on Friday ordered a new hearing in the dispute over 40 hectares of waterfront land that the port authority has tried to reclaim for more than a decade.",
  "The three judges found that the lower court had not given the families who farm the plots enough time to present evidence of their leases.",
  "Lawyers for the port said they would study the ruling before deciding on their next step.",
  "The new hearing is expected early next year."],
 ["Wheat growers brace for a thin harvest after the driest spring in 30 years",
  "Farmers across the northern plains expect yields to fall by as much as a third this season after the driest spring since records began in the region.",
  "Agronomists say early-sown fields fared best, while late plantings struggled to take root in cracked soil.",
  "What comes next",
  "The agriculture ministry will publish its first crop estimate on July 12.",
  "Grain traders said prices had already risen by 8 percent since May."],
 ["City unveils plan to turn disused tram depot into housing",
  "The city council presented plans on Wednesday to convert the old tram depot on Kessel Street into 220 apartments, a third of them for rent below market rates.",
  "The brick sheds, empty since the last trams ran in 1998, would keep their facades under the proposal.",
  "Neighbours welcomed the housing but raised concerns about parking.",
  "A public consultation opens next month."],
 ["Striker's late goal keeps Rovers in the title race",
  "A header in the 89th minute from Daniel Okoro gave Harbour Rovers a 2-1 win over Eastfield on Saturday and kept them two points behind the league leaders.",
  "Eastfield had led from the 20th minute after a defensive mix-up.",
  "\"We never stopped believing,\" Okoro said after the match.",
  "Rovers host the leaders next Sunday."],
 ["Scientists map a vast seagrass meadow off the southern coast",
  "Marine biologists have mapped a seagrass meadow covering almost 90 square kilometres off the southern coast, one of the largest found in the region.",
  "The team used drones and divers over three summers to trace its edges.",
  "Seagrass stores carbon and shelters young fish, the researchers noted in their paper published on Monday.",
  "The study was funded by a university grant and a regional fisheries council."],
]
appeals = [
 [("A note from the Harbour Ledger newsroom", "appeal"), ("Dear reader,", "appeal"),
  ("Local reporting like this story takes time: hours at council meetings, days reading court files, weeks following a single budget line.", "appeal"),
  ("We are a small, independent newsroom with no owner to answer to, and we rely on readers to keep going.", "appeal"),
  ("If you found this article useful, please become a member today. It takes a minute, and every gift, large or small, helps.", "appeal"),
  ("Become a member", "appeal"), ("Maybe later", "ui")],
 [("Support Valley Public Radio", "appeal"),
  ("Listeners like you keep this station on the air. Our autumn pledge drive ends Friday, and we are still 600 sustaining members short of our goal.", "appeal"),
  ("Give $10 a month and get our tote bag as a thank-you.", "appeal"), ("Pledge now", "appeal"), ("Remind me later", "ui")],
 [("Before you go…", "appeal"),
  ("Our journalists have been labelled foreign agents and several of them now work from exile. We keep reporting because our readers back home need independent news.", "appeal"),
  ("Help us stay online: a one-time contribution from €3 or a monthly donation makes our work possible.", "appeal"),
  ("Contribute", "appeal"), ("Close", "ui")],
 [("We don't have a paywall. That's because of you.", "appeal"),
  ("More than 40,000 readers chipped in last year so that anyone can read our investigations for free.", "appeal"),
  ("Will you join them? Support us with a gift of any size.", "appeal"), ("Not now", "ui")],
 [("This story was made possible by readers like you.", "appeal"),
  ("The Ridge Report is a nonprofit newsroom. Donations are tax-deductible, and every dollar is matched until December 31.", "appeal"),
  ("Double your impact today", "appeal")],
]
boiler = {
 "newsletter": ["Get the morning briefing in your inbox. Sign up for our free newsletter.", "Enter your email address", "Subscribe to our weekly newsletter for the stories you missed.", "Thanks for signing up! Check your inbox to confirm."],
 "subscription": ["You have 2 free articles left this month.", "Subscribe to continue reading.", "Already a subscriber? Log in", "This article is for subscribers only. Start your trial for $1."],
 "share": ["Share on Facebook", "Share on X", "Copy link", "Email this story", "Share this article"],
 "navigation": ["Home", "News", "Business", "Sport", "Opinion", "Skip to content", "Menu", "Next article", "News > Local > Courts"],
 "related": ["Read more", "Most read", "Council approves budget after late-night session", "Five things to know about the new rail line", "Related stories"],
 "cookie": ["We use cookies to improve your experience and to show you relevant ads. By continuing to browse, you agree to our use of cookies.", "Accept all cookies", "Manage preferences"],
 "legal": ["© 2024 Harbour Ledger Media. All rights reserved.", "Terms of use | Privacy policy", "This article may not be republished without written permission."],
 "ad": ["Advertisement", "Sponsored content", "Story continues below advertisement"],
 "comments": ["14 comments", "Join the conversation", "Comments are closed for this article.", "Log in to comment"],
 "ui": ["Load more", "Show more", "Back to top", "Close", "Read more"],
 "meta": ["By Anna Weller", "Published June 3, 2024 at 7:41 a.m.", "4 min read", "Updated 2 hours ago", "Photo: Tomas Lind / Harbour Ledger"],
}
def pick(cat, k=1):
    return [(t, cat) for t in rng.sample(boiler[cat], k)]
n = 0
for rep in range(3):
    for si, story in enumerate(stories):
        for ai, ap in enumerate(appeals):
            if (si + ai + rep) % 3: continue
            n += 1
            art = [(t, A) for t in story]
            mode = (si + ai + rep) % 4
            if mode == 0:
                paras = art + ap
            elif mode == 1:
                mid = len(art) // 2
                paras = pick("meta", 2) + art[:mid] + ap + art[mid:] + pick("share", 2) + pick("legal", 1)
            elif mode == 2:
                paras = pick("navigation", 4) + pick("meta", 1) + ap[:2] + art + pick("related", 3) + pick("newsletter", 2) + pick("cookie", 2) + pick("legal", 2)
            else:
                paras = pick("navigation", 3) + pick("subscription", 1) + art + pick("ad", 1) + ap + pick("comments", 2) + pick("ui", 1) + pick("legal", 1)
            doc(f"core-en-{n:03d}", paras)
with open("training_data/core_en.jsonl", "w") as f:
    for d in docs: f.write(json.dumps(d, ensure_ascii=False) + "\n")
print(len(docs), sum(len(d["paragraphs"]) for d in docs))

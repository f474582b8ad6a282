"""Compose a core English training file from the team-written sentences below (run from the repository root)."""
import json, random
rng = random.Random(23)
STORIES = [
 ["Ministers agree emergency aid for fishing towns hit by quota cuts",
  "Agriculture ministers from five coastal regions agreed on Monday to a 40 million euro package for fishing towns where catch quotas were cut by a fifth this year.",
  "The money will pay for boat decommissioning, retraining and a temporary income top-up for crews.",
  "Fishers' associations called the deal a first step but said it came too late for several family firms that have already sold their vessels.",
  "The package still needs approval from the national parliament."],
 ["Hospital waiting lists fall for the first time in four years",
  "The number of patients waiting more than a year for planned surgery fell by 12 percent in the second quarter, according to figures released on Thursday.",
  "Health officials credited weekend operating lists and two new day-surgery units.",
  "Doctors' unions warned that the gains were fragile and depended on staff working extra shifts.",
  "Key figures",
  "- 41,200 patients waiting more than 52 weeks",
  "- 6,800 extra operations since January",
  "The health ministry will publish regional breakdowns next month."],
 ["Library reopens after two-year renovation",
  "The central library reopened its doors on Saturday after a two-year renovation that added a children's floor, a makerspace and a rooftop reading terrace.",
  "Hundreds of residents queued before the doors opened at 9 a.m.",
  "\"It feels like the town got its living room back,\" said Grace Adeyemi, who brought her two sons.",
  "It did.",
  "Opening hours have been extended to 9 p.m. on weekdays."],
 ["Food bank appeal raises record donations before winter",
  "The city's food bank said on Tuesday that its autumn appeal had raised a record 260,000 dollars, enough to stock its shelves until March.",
  "Director Samuel Ortiz said the number of families asking for help had risen by a third since last year.",
  "\"We asked people to support their neighbours, and they did,\" he said. \"Every donation, large or small, went straight onto the shelves.\"",
  "Volunteers will deliver parcels to housebound residents from next week."],
 ["Streaming service raises subscription prices for the second time this year",
  "The streaming platform Lumen said on Wednesday it would raise its monthly subscription price by 2 dollars in most markets from November.",
  "The company said the increase would pay for new local productions.",
  "Analysts expect some subscribers to cancel, but said rivals have made similar moves without losing many customers.",
  "Subscribers on annual plans will keep their current price until renewal."],
 ["Court rules newspaper may publish leaked memo",
  "A high court judge ruled on Friday that the Coastal Tribune could publish a leaked internal memo about safety failures at a chemical plant.",
  "The company had argued that publication would breach its copyright and reveal trade secrets.",
  "The judge said the public interest in the safety findings outweighed those claims.",
  "The company said it would consider an appeal."],
 ["Q&A: What the new rent cap means for tenants",
  "Q: Who is covered by the cap?",
  "A: All private tenancies signed before January 1 in the three largest cities.",
  "Q: How much can rents rise?",
  "A: No more than 3 percent a year, or inflation if it is lower.",
  "Q: When does it start?",
  "A: The cap applies from the next rent review after July 1."],
 ["Newsletter start-ups bet on local news",
  "A wave of email newsletters covering single towns has appeared over the past two years, many started by reporters laid off from regional papers.",
  "Most rely on readers who pay a few dollars a month, and some offer free editions supported by local advertisers.",
  "\"People will pay for news about their own street,\" said Hana Petrovic, who writes a daily newsletter about the town of Brill.",
  "Researchers say few such ventures last more than three years."],
 ["Heat wave pushes power demand to a summer record",
  "Electricity demand hit a summer record on Tuesday afternoon as temperatures climbed above 38 degrees Celsius across the south.",
  "The grid operator asked large industrial users to cut consumption for four hours.",
  "No blackouts were reported.",
  "Forecasters expect the heat to ease by the weekend."],
 ["Obituary: Teodor Lang, the ferry captain who never missed a crossing",
  "Teodor Lang, who captained the island ferry for 31 years, died on Sunday at the age of 84.",
  "Passengers remember him for his weather reports over the loudspeaker and his refusal to cancel crossings unless the harbour master ordered it.",
  "He is survived by his wife, Mira, three children and seven grandchildren.",
  "A memorial service will be held at the harbour chapel on Friday."],
]
OUTLETS = ["The Northern Dispatch", "Radio Meridian", "The Baltic Ledger", "Free Steppe Media", "The Caspian Herald", "Novaya Volna", "The Danube Observer", "Kyiv Evening Post", "The Tbilisi Courier", "Open Line Radio"]
HEADERS = [f"A Message from {o}:" for o in OUTLETS] + [f"A note from {o}" for o in OUTLETS[:4]] + ["A Message from The Northern Dispatch:", "A message from our editor-in-chief", "A note to our readers", "An appeal from the newsroom:",
           "A personal message from the founders of Open Line Radio", "Support The Coastal Tribune", "Before you go: a word from our team",
           "Dear readers,", "Dear listener,", "To our readers in difficult times:", "Why we are asking for your help"]
BODIES = [
 "Last month the Justice Ministry put two of our editors on its register of foreign agents. The label forces us to print a long warning above every article and scares away advertisers.",
 "In March the police searched the flats of three of our former colleagues. None of them has been charged, but their laptops and phones have not been returned.",
 "The regulator has blocked our website four times this year. Each time our engineers found a way around the block, and each time it cost us money we had not planned to spend.",
 "Officials say our reporting undermines public order. We believe the public has a right to know how its money is spent and who decides about war and peace.",
 "Several of our sources have already been questioned by the security services. We protect them as well as we can, but it is getting harder every month.",
 "Our newsroom now works from Riga, Vilnius and Berlin. Half of our team had to leave their families behind.",
 "Since the war began, advertising revenue has fallen to almost nothing and the banks that once served us have closed our accounts.",
 "The court ruled in our absence that our publication is extremist. Anyone who shares our links inside the country can now be prosecuted.",
 "We have been forced to leave the country, and the authorities now call our work a threat to national security. Our editors face criminal charges simply for publishing the news.",
 "The aim of all this is to frighten readers away from independent sources. We will not let that happen, but we cannot keep going without you.",
 "The prosecutor's office has added our newsroom to its list of banned organisations, so sharing our articles at home can lead to a fine.",
 "Our reporters and editors intend to keep telling the truth about what happens in the country, and for that we need your help.",
 "A regular gift of three euros a month lets us plan our coverage for the months ahead.",
 "Every reader who gives makes it a little harder for the censors to win.",
 "Our newsroom was labelled an \"undesirable organisation\" last spring. Since then our reporters have worked from three countries, and anyone who donates from inside the country takes a risk.",
 "We refuse to go quiet. But every month, keeping servers online and paying the people who report for us costs more than advertising could ever bring in.",
 "Independent journalism is under pressure everywhere. We have no owner, no party and no oligarch behind us, only our readers.",
 "This year we published 41 investigations, and two of them led to official inquiries. That work was paid for by people like you.",
 "Public radio is a shared resource. When you give, you make sure that news, music and local stories stay free for everyone who tunes in.",
 "Your support, however small, keeps our reporters in the courtroom and at the council meetings no one else covers.",
 "If everyone who read our work this month gave just $3, we would be funded for the rest of the year.",
 "Please consider supporting us with a monthly contribution. It takes a minute to set up, and you can cancel at any time.",
 "Members keep open reporting alive in a region where it is disappearing.",
 "We are grateful to everyone who has our back.",
 "Every contribution is tax-deductible and will be matched until midnight on December 31.",
 "We would not ask if it were not important. Please give what you can.",
]
CALLS = ["Support us", "Donate now", "Give monthly", "Become a member", "Contribute from $2", "Yes, I'll support you", "Make a gift today", "Chip in"]
BUTTONS = ["Remind me later.", "Remind me later", "Maybe later", "Not now", "No thanks", "Close", "Dismiss", "I already support you"]
B = {
 "newsletter": ["Sign up for our daily newsletter", "Get the best of our reporting in your inbox every morning.", "Email address", "Subscribe", "You're all set! Look out for your first newsletter tomorrow.", "Want more stories like this? Sign up for The Brief."],
 "subscription": ["Subscribe now to continue reading", "You've reached your limit of free articles.", "Already have an account? Sign in", "Unlimited digital access for $1 a week", "This story is available exclusively to subscribers.", "Register for free to read 5 articles a month"],
 "share": ["Share", "Facebook", "Twitter", "LinkedIn", "Share via email", "Copy article link", "Share this story on social media"],
 "navigation": ["Skip to main content", "Local", "Politics", "Climate", "Science", "Sections", "Sign in", "Previous article", "Home > Health > Hospitals", "Page 1 of 2"],
 "related": ["More from this section", "Recommended for you", "Popular now", "Hospital strike ends after pay deal", "Why the ferry fares went up again", "Read next", "Editor's picks"],
 "cookie": ["This site uses cookies to analyse traffic and personalise content. You can change your preferences at any time.", "Accept", "Reject non-essential cookies", "Your privacy choices", "OK, got it"],
 "legal": ["Copyright © 2024 Northern Dispatch Ltd.", "Privacy Notice · Terms of Service · Cookie Policy", "Republishing guidelines: you may republish this story under a Creative Commons licence if you credit us.", "All rights reserved. Registered in England No. 0412233."],
 "ad": ["ADVERTISEMENT", "Sponsored", "Promoted stories", "Advertise with us", "Continue reading below the ad"],
 "comments": ["View comments (37)", "Comments", "Sort by newest", "You must be logged in to post a comment.", "Great article, thanks for covering this!", "Community guidelines"],
 "ui": ["Show more", "Load more stories", "Expand", "Back to top ↑", "Listen (4 min)", "Print this page", "Text size"],
 "meta": ["By Rosa Lindqvist, Health Correspondent", "September 9, 2024", "Updated: 10:32 AM EDT", "6 min read", "Photograph: Kenji Mori for the Dispatch", "Filed under: Health, Hospitals", "Reuters"],
}
CREDITS = ["Reuters contributed reporting.", "The Associated Press contributed to this report.", "AP contributed reporting.",
           "Agence France-Presse contributed to this story.", "Additional reporting by Lena Ortiz.", "Reporting by Omar Haddad; editing by Julia Stone.",
           "With reporting from Bloomberg.", "Reuters and AFP contributed reporting.", "This story was updated with comment from the ministry.",
           "Correction: An earlier version of this article misstated the date of the vote."]
# A log-in link is `subscription` wherever it sits (training_data/README.md), though it is drawn with the menu.
LOG_IN = {"Sign in": "subscription"}
# Correction and update notes about the story are `meta`, though they are drawn with the credit lines.
NOTES = {t: "meta" for t in CREDITS if t.startswith(("Correction:", "This story was updated"))}
docs = []
for n in range(270):
    story = rng.choice(STORIES)
    art = [(t, "article") for t in story]
    if rng.random() < 0.6:
        credit = rng.choice(CREDITS)
        art.append((credit, NOTES.get(credit, "article")))
    seq = []
    if rng.random() < 0.8:
        seq.append((rng.choice(HEADERS), "appeal"))
        if rng.random() < 0.5:
            seq.append(("Dear readers,", "appeal"))
        seq += [(t, "appeal") for t in rng.sample(BODIES, rng.randint(1, 5))]
        if rng.random() < 0.6:
            seq.append((rng.choice(CALLS), "appeal"))
        if rng.random() < 0.7:
            seq.append((rng.choice(BUTTONS), "ui"))
    def some(cat, lo, hi):
        return [(t, LOG_IN.get(t, cat)) for t in rng.sample(B[cat], rng.randint(lo, min(hi, len(B[cat]))))]
    pos = rng.choice(["end", "end", "end", "middle", "top"])
    full = rng.random() < 0.5
    if pos == "end":
        body = art + seq
    elif pos == "middle":
        k = rng.randint(1, max(1, len(art) - 1))
        body = art[:k] + seq + art[k:]
    else:
        body = seq + art
    if full:
        cats = rng.sample([c for c in B if c not in ("navigation", "meta")], 4)
        head = some("navigation", 2, 5) + some("meta", 1, 3) + (some("share", 1, 3) if rng.random() < 0.5 else [])
        tail = [p for c in cats for p in some(c, 1, 3)]
        body = head + body + tail
    elif rng.random() < 0.5:
        body = some("meta", 1, 2) + body + some(rng.choice(list(B)), 1, 2)
    docs.append({"id": f"core-en3-{n:03d}", "source": "text", "lang": "en", "paragraphs": [{"text": t, "label": l} for t, l in body]})
with open("training_data/core_en3.jsonl", "w") as f:
    for d in docs: f.write(json.dumps(d, ensure_ascii=False) + "\n")
print(len(docs), sum(len(d["paragraphs"]) for d in docs))

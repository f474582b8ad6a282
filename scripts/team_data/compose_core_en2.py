"""Compose a core English training file from the team-written sentences below (run from the repository root)."""
import json, random
rng = random.Random(5)
A = "article"
stories = [
 ["Charity run raises record sum for children's hospital",
  "More than 4,000 runners took part in Sunday's charity run along the seafront, raising a record 310,000 euros for the new wing of St Brigid's children's hospital.",
  "Organisers said donations had doubled since last year, helped by a matching pledge from a local shipping firm.",
  "\"People really showed up for the kids,\" said race director Paula Ennis. \"We asked for support and the town gave it.\"",
  "The hospital plans to open the wing in 2026."],
 ["Newspaper group to end print edition and move readers to digital subscriptions",
  "The Midland Post group said on Tuesday that it would stop printing its weekday edition in March and ask readers to switch to a digital subscription.",
  "Executives said subscription revenue now covers more than half of the newsroom's costs, while print advertising has fallen by 70 percent in five years.",
  "Some older readers said they would miss the paper on their doorstep.",
  "The Saturday edition will continue in print."],
 ["Regulator fines retailer over cookie banners that hid the reject button",
  "The national data protection authority fined an online retailer 2.3 million euros on Thursday for cookie banners that made it harder to refuse tracking than to accept it.",
  "Investigators found that the reject option was buried two screens deep, while the accept button sat in bright green on the first screen.",
  "The company said it would appeal and had already changed its consent pop-up.",
  "Consumer groups welcomed the decision."],
 ["Public broadcaster's pledge week falls short of target",
  "The regional public broadcaster said its spring pledge week ended 12 percent short of its fundraising goal, the first shortfall in a decade.",
  "Station managers blamed rising living costs and said they would trim two evening programmes rather than cut news staff.",
  "Listeners can still donate through the end of the month, the station said."],
 ["Band wins copyright case over stolen chorus",
  "A jury found on Wednesday that a pop producer had copied the chorus of a 1990s folk song, ordering him to pay the band 800,000 dollars.",
  "The band's lawyer said the verdict showed that small artists could still defend their work.",
  "The producer's team said they were disappointed and were reviewing their options."],
 ["Exiled journalists launch new radio service for listeners back home",
  "A group of journalists who left the country after their station was closed launched a new shortwave and online radio service from abroad on Monday.",
  "They said the service would broadcast four hours of news a day and rely on donations from listeners and foundations.",
  "\"Our audience asked us not to disappear,\" said editor Ruslan Baikov, speaking from the group's new studio.",
  "The government has called the project hostile propaganda."],
]
appeals = [
 [("A message from the editors:", "appeal"),
  ("Dear friends,", "appeal"),
  ("Our newsroom has been declared an \"extremist organisation\", which means anyone who donates to us from inside the country risks a fine. We moved abroad so we could keep reporting.", "appeal"),
  ("We refuse to stop. But independent journalism in exile is expensive, and advertising is not an option for us.", "appeal"),
  ("If you can, please support us with a regular donation. Even two dollars a month helps us pay reporters who stayed behind.", "appeal"),
  ("Thank you for standing with free media.", "appeal"),
  ("Remind me later.", "ui")],
 [("Keep Northside News free for everyone", "appeal"),
  ("Northside News is funded by its readers. We will never sell your data or put our local coverage behind a paywall.", "appeal"),
  ("Chip in $5 today", "appeal"),
  ("No thanks", "ui")],
 [("Can you help us reach our goal?", "appeal"),
  ("We need 1,200 new supporters by the end of the year to keep our investigations unit running.", "appeal"),
  ("You can give once, or monthly, by card or bank transfer. It takes less than a minute.", "appeal"),
  ("Support independent journalism", "appeal"),
  ("I'm already a supporter", "ui")],
 [("Donate", "appeal"), ("Support our work", "appeal"), ("Become a patron from $3 a month", "appeal")],
 [("Thank you for reading.", "appeal"),
  ("Every week, hundreds of thousands of people rely on our reporting to understand what happens in their region. We want to keep it that way, and we can only do it with your help.", "appeal"),
  ("Please consider making a contribution. Our journalism is independent of any government or party, and your support keeps it that way.", "appeal"),
  ("Give now", "appeal"),
  ("Remind me in May", "ui")],
]
extra_boiler = [
 ("Sign up for The Daily Tide", "newsletter"), ("Get our best stories every morning. You can unsubscribe at any time.", "newsletter"), ("Sign up", "newsletter"),
 ("Log in or create a free account to keep reading.", "subscription"), ("Subscribe for 99 cents a week", "subscription"),
 ("Share", "share"), ("Tweet", "share"), ("WhatsApp", "share"), ("Telegram", "share"),
 ("Trending now", "related"), ("You may also like", "related"), ("Port strike enters third day as talks stall", "related"),
 ("Cookies help us deliver our services. By using our site you accept cookies.", "cookie"), ("Reject all", "cookie"), ("Cookie settings", "cookie"),
 ("All content is copyright of its respective owners and may not be reproduced.", "legal"), ("Contact us | Corrections policy | Accessibility", "legal"),
 ("Ad", "ad"), ("Partner content: how smart meters save you money", "ad"),
 ("Most popular comment", "comments"), ("Reply", "comments"), ("Report abuse", "comments"),
 ("Listen to this article", "ui"), ("Play", "ui"), ("Print", "ui"), ("Font size", "ui"),
 ("By Marta Kovac and Leo Brandt", "meta"), ("March 14, 2024", "meta"), ("Topics: Climate, Energy, Europe", "meta"), ("The hospital's new wing under construction. (Photo by Ivo Stern)", "meta"),
 ("World", "navigation"), ("Culture", "navigation"), ("Search", "navigation"), ("Previous", "navigation"), ("Page 2 of 3", "navigation"),
]
docs = []
n = 0
for rep in range(4):
    for si, story in enumerate(stories):
        ai = (si + rep) % len(appeals)
        ap = appeals[ai]
        art = [(t, A) for t in story]
        bp = rng.sample(extra_boiler, 8)
        mode = (si + rep) % 3
        if mode == 0:
            paras = art + ap
        elif mode == 1:
            paras = ap[:3] + bp[:3] + art + bp[3:]
        else:
            mid = max(1, len(art) // 2)
            paras = bp[:4] + art[:mid] + ap + art[mid:] + bp[4:]
        n += 1
        docs.append({"id": f"core-en2-{n:03d}", "source": "text", "lang": "en", "paragraphs": [{"text": t, "label": l} for t, l in paras]})
with open("training_data/core_en2.jsonl", "w") as f:
    for d in docs: f.write(json.dumps(d, ensure_ascii=False) + "\n")
print(len(docs), sum(len(d["paragraphs"]) for d in docs))

namespace Integration.Functions.Console;

/// <summary>The page around every console view: zh-CN, one column that reads at 390 px and at 1280 px, no script.</summary>
internal static class ConsoleDocument
{
    private const string Style = """
        <style>
        :root { color-scheme: light; font-family: system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
        body { margin: 0; background: #f5f6f8; color: #1b1f24; }
        header { background: #0b3d91; color: #fff; padding: .75rem 1rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: center; justify-content: space-between; }
        header a, header button { color: #fff; }
        header form { margin: 0; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
        h1 { font-size: 1.4rem; margin: .5rem 0 1rem; }
        .notice { background: #e7f4ea; border: 1px solid #2e7d32; padding: .5rem .75rem; margin-bottom: 1rem; }
        .error { background: #fdecea; border: 1px solid #b3261e; padding: .5rem .75rem; margin-bottom: 1rem; }
        ul.queue { list-style: none; padding: 0; margin: 0; display: grid; gap: .75rem; }
        ul.queue > li { background: #fff; border: 1px solid #c9ced6; border-radius: .25rem; padding: .75rem 1rem; }
        .meta { color: #454c57; font-size: .9rem; margin: .25rem 0; }
        .countdown { font-weight: 600; }
        .overdue { color: #b3261e; font-weight: 700; }
        .actions { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin-top: .5rem; }
        .actions form { display: flex; flex-wrap: wrap; gap: .5rem; align-items: flex-end; margin: 0; }
        label { display: flex; flex-direction: column; font-size: .9rem; gap: .25rem; }
        input[type=text], input[type=password] { font: inherit; padding: .4rem .5rem; border: 1px solid #6b7380; border-radius: .2rem; min-width: 12rem; }
        button { font: inherit; padding: .4rem .9rem; border-radius: .2rem; border: 1px solid #0b3d91; background: #0b3d91; color: #fff; cursor: pointer; }
        button.secondary { background: #fff; color: #0b3d91; }
        header button { background: transparent; border-color: #fff; }
        nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
        section.panel { background: #fff; border: 1px solid #c9ced6; border-radius: .25rem; padding: .75rem 1rem; margin-bottom: 1rem; overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; font-size: .9rem; }
        th, td { border-bottom: 1px solid #dde1e6; padding: .35rem .5rem; text-align: left; vertical-align: top; }
        .bar { display: inline-block; height: .8rem; background: #2e7d32; vertical-align: middle; }
        .bar.low { background: #b3261e; }
        .badge { display: inline-block; padding: .1rem .5rem; border-radius: 1rem; font-weight: 600; }
        .badge.ok { background: #e7f4ea; color: #1b5e20; border: 1px solid #2e7d32; }
        .badge.bad { background: #fdecea; color: #8c1d18; border: 1px solid #b3261e; }
        ol.timeline { list-style: none; margin: 0; padding: 0 0 0 1rem; border-left: 3px solid #0b3d91; }
        ol.timeline > li { position: relative; margin: 0 0 1rem; padding-left: .75rem; }
        pre { white-space: pre-wrap; word-break: break-all; font-size: .8rem; background: #f5f6f8; padding: .5rem; }
        select, textarea, input[type=date], input[type=datetime-local], input[type=number] { font: inherit; padding: .4rem .5rem; border: 1px solid #6b7380; border-radius: .2rem; max-width: 100%; }
        textarea { min-width: min(24rem, 100%); min-height: 4rem; }
        input[type=text] { max-width: 100%; box-sizing: border-box; }
        fieldset { border: 1px solid #c9ced6; border-radius: .25rem; margin: 0 0 .75rem; padding: .5rem .75rem; display: flex; flex-wrap: wrap; gap: .5rem 1rem; }
        label.check { flex-direction: row; align-items: center; gap: .4rem; }
        .valid { color: #1b5e20; font-weight: 700; }
        .invalid { color: #b3261e; font-weight: 700; }
        .hash { font-family: ui-monospace, monospace; font-size: .8rem; overflow-wrap: anywhere; }
        .wide { overflow-x: auto; }
        </style>
        """;

    /// <summary>The pages in the navigation; a page the principal may not use says so when opened.</summary>
    private static readonly (string Href, string Text)[] Links =
    [
        ("/console/queue", "待认领"),
        ("/console/leads", "线索"),
        ("/console/plans", "联合执法"),
        ("/console/reports", "协调通报"),
        ("/console/overview", "总览"),
    ];

    public static void Render(ConsoleMarkup m, string title, string? signedInAs, ConsoleForm? signOut, Action<ConsoleMarkup> body)
    {
        m.Trusted("<!DOCTYPE html>");
        m.Open("html", ("lang", "zh-CN"));
        m.Open("head")
            .Open("meta", ("charset", "utf-8")).Close()
            .Open("meta", ("name", "viewport"), ("content", "width=device-width, initial-scale=1")).Close()
            .Element("title", $"{title} · 招标投标监管协同平台")
            .Trusted(Style)
            .Close();
        m.Open("body");
        m.Open("header").Element("span", "招标投标监管协同平台");
        if (signedInAs is not null)
        {
            m.Open("nav", ("aria-label", "主导航")).Open("ul");
            foreach (var (href, text) in Links)
            {
                m.Open("li").Element("a", text, ("href", href)).Close();
            }

            m.Close().Close();
        }

        if (signedInAs is not null && signOut is not null)
        {
            m.Open("form", ("method", "post"), ("action", "/console/sign-out"))
                .Text(signedInAs + " ")
                .Antiforgery(signOut)
                .Element("button", "退出", ("type", "submit"))
                .Close();
        }

        m.Close();
        m.Open("main");
        m.Element("h1", title);
        body(m);
        m.Close();
        m.Close();
        m.Close();
    }
}

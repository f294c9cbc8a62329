import Foundation
import RootGuardModel

/// The frame of every HTML report: one self-contained file (inline CSS, JavaScript and SVG; nothing fetched),
/// every text from AWS or logs escaped. The script filters rows by status and severity and marks the body
/// `data-ready="ok"` when it ran (`data-error` on any script error), which the browser test reads.
enum HTMLPage {
    /// HTML text and attribute escaping; control and bidi characters are shown escaped, never emitted.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in TerminalSafe.escape(text).unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func page(title: String, body: String) -> String {
        pageHead(title: title) + body + pageTail
    }

    /// The page up to the start of its body (a long page is written in pieces between this and `pageTail`).
    static func pageHead(title: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
        <title>\(escape(title))</title>
        <style>\(css)</style>
        </head>
        <body>

        """
    }

    static var pageTail: String {
        """

        <script>\(script)</script>
        </body>
        </html>

        """
    }

    static let css = """
        :root{--pass:#1a7f37;--fail:#cf222e;--manual:#9a6700;--ne:#8250df;--na:#6e7781;--bg:#fff;--fg:#1f2328;--muted:#656d76;--line:#d0d7de}
        *{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg);margin:0;padding:24px 32px;max-width:1400px}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
        .muted{color:var(--muted)}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:16px 0}
        .card{border:1px solid var(--line);border-radius:8px;padding:10px 16px;min-width:110px}.card b{display:block;font-size:22px}
        .badge{display:inline-block;border-radius:10px;padding:0 8px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
        .PASS{background:var(--pass)}.FAIL{background:var(--fail)}.MANUAL{background:var(--manual)}.NOT_EVALUATED{background:var(--ne)}.NOT_APPLICABLE{background:var(--na)}
        .sev-critical{color:#a40e26;font-weight:700}.sev-high{color:var(--fail)}.sev-medium{color:var(--manual)}.sev-low,.sev-info{color:var(--muted)}
        table{border-collapse:collapse;width:100%;margin:8px 0}th,td{border-bottom:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
        th{background:#f6f8fa;font-weight:600}code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
        pre{background:#f6f8fa;padding:8px;border-radius:6px;overflow:auto;max-height:240px;white-space:pre-wrap;word-break:break-all}
        details summary{cursor:pointer}.filters{position:sticky;top:0;background:var(--bg);padding:8px 0;border-bottom:1px solid var(--line);z-index:1}
        .filters label{margin-right:12px}.grid td.cell{text-align:center;font-weight:700;color:#fff;min-width:28px}
        .grid .c-F{background:var(--fail)}.grid .c-Q{background:var(--ne)}.grid .c-M{background:var(--manual)}.grid .c-P{background:var(--pass)}.grid .c-N{background:#eaeef2;color:var(--muted)}
        .evidence{border-radius:6px;padding:8px 12px;margin:0 0 12px;font-weight:600}.evidence-failed{background:var(--fail);color:#fff}
        .evidence-incomplete{background:#fff8c5;border:1px solid var(--manual)}.evidence-verified{border:1px solid var(--pass)}
        .hidden{display:none}svg text{font:11px system-ui,sans-serif;fill:var(--muted)}
        """

    static let script = """
        (function(){
          window.addEventListener('error',function(e){document.body.dataset.error=String(e.message||e);});
          function apply(){
            var statuses={};document.querySelectorAll('input[data-filter-status]').forEach(function(i){statuses[i.dataset.filterStatus]=i.checked;});
            var min=document.getElementById('min-severity');var rank={info:0,low:1,medium:2,high:3,critical:4};
            var floor=min?rank[min.value]:0;
            document.querySelectorAll('[data-status]').forEach(function(row){
              var s=row.dataset.status,v=rank[row.dataset.severity]||0;
              var show=(statuses[s]!==false)&&(v>=floor);
              row.classList.toggle('hidden',!show);
            });
            document.querySelectorAll('section[data-practice]').forEach(function(sec){
              sec.classList.toggle('hidden',sec.querySelectorAll('[data-status]:not(.hidden)').length===0);
            });
          }
          document.querySelectorAll('input[data-filter-status],#min-severity').forEach(function(i){i.addEventListener('change',apply);});
          apply();
          document.body.dataset.ready='ok';
        })();
        """

    static func statusFilters(_ counts: [Status: Int]) -> String {
        var out = "<div class=\"filters\">Show: "
        for status in Status.allCases {
            out +=
                "<label><input type=\"checkbox\" data-filter-status=\"\(status.rawValue)\" checked> <span class=\"badge \(status.rawValue)\">\(status.rawValue)</span> \(counts[status] ?? 0)</label>"
        }
        out += """
            <label>Minimum severity <select id="min-severity"><option value="info">info</option><option value="low">low</option>\
            <option value="medium">medium</option><option value="high">high</option><option value="critical">critical</option></select></label></div>
            """
        return out
    }
}

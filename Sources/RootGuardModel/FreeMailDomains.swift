/// Consumer and free-mail domains: a root e-mail on one of these is not company-owned (ROOT-BP 09).
///
/// Maintained by hand: the largest consumer providers and their regional and alias domains, plus common
/// disposable-mail services. Add to it with `--free-mail-domain`.
public enum FreeMailDomains {
    public static let all: Set<String> = [
        // Google, Microsoft, Yahoo, Apple, AOL, Proton, Zoho and friends
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "hotmail.de",
        "hotmail.it", "hotmail.es", "live.com", "live.co.uk", "live.fr", "live.de", "msn.com", "passport.com",
        "yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "yahoo.it", "yahoo.es", "yahoo.co.jp", "yahoo.com.br",
        "yahoo.co.in", "ymail.com", "rocketmail.com", "icloud.com", "me.com", "mac.com", "aol.com", "aim.com",
        "protonmail.com", "protonmail.ch", "proton.me", "pm.me", "zohomail.com", "zoho.com", "tutanota.com",
        "tutanota.de", "tuta.io", "tutamail.com", "fastmail.com", "fastmail.fm", "hushmail.com", "mailfence.com",
        "posteo.de", "posteo.net", "runbox.com", "startmail.com", "disroot.org", "riseup.net",
        // Regional consumer providers
        "gmx.com", "gmx.net", "gmx.de", "gmx.at", "gmx.ch", "web.de", "t-online.de", "freenet.de", "arcor.de",
        "orange.fr", "wanadoo.fr", "free.fr", "laposte.net", "sfr.fr", "neuf.fr", "libero.it", "virgilio.it",
        "tiscali.it", "alice.it", "tin.it", "terra.com.br", "bol.com.br", "uol.com.br", "ig.com.br",
        "yandex.ru", "yandex.com", "ya.ru", "mail.ru", "inbox.ru", "list.ru", "bk.ru", "rambler.ru",
        "qq.com", "163.com", "126.com", "yeah.net", "sina.com", "sina.cn", "sohu.com", "aliyun.com", "139.com",
        "naver.com", "daum.net", "hanmail.net", "nate.com", "rediffmail.com", "seznam.cz", "centrum.cz",
        "wp.pl", "o2.pl", "onet.pl", "interia.pl", "op.pl", "btinternet.com", "sky.com", "virginmedia.com",
        "ntlworld.com", "talktalk.net", "bigpond.com", "optusnet.com.au", "shaw.ca", "rogers.com", "sympatico.ca",
        "comcast.net", "verizon.net", "att.net", "sbcglobal.net", "bellsouth.net", "charter.net", "cox.net",
        "earthlink.net", "juno.com", "netzero.net", "mail.com", "email.com", "usa.com", "inbox.com", "lycos.com",
        "excite.com", "rediff.com", "bluewin.ch", "telenet.be", "skynet.be", "ziggo.nl", "kpnmail.nl",
        "planet.nl", "home.nl", "xs4all.nl", "online.no", "telia.com", "bredband.net", "eircom.net", "sapo.pt",
        "mail.bg", "abv.bg", "inbox.lv", "hey.com",
        // Disposable / throwaway
        "mailinator.com", "guerrillamail.com", "10minutemail.com", "temp-mail.org", "yopmail.com", "trashmail.com",
        "sharklasers.com", "getnada.com", "dispostable.com", "maildrop.cc",
    ]
}

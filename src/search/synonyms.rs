//! Synonyms and abbreviations common in incident writing. A query word (or
//! run of words) found here also searches its equivalents, at a slightly
//! lower weight than what was typed. `[search] synonyms` in `lessons.toml`
//! adds groups.

use std::collections::HashMap;

/// Groups of equivalent forms, each form one or more words.
pub const BUILT_IN: &[&[&str]] = &[
    &["db", "database", "databases", "dbs"],
    &["config", "configuration", "cfg", "conf"],
    &["misconfig", "misconfiguration", "misconfigured"],
    &["cert", "certificate", "certs", "certificates"],
    &["creds", "credentials", "credential", "cred"],
    &["k8s", "kubernetes", "kube"],
    &["auth", "authentication", "authn"],
    &["authz", "authorization", "authorisation"],
    &["dc", "datacenter", "data center", "data centre"],
    &["lb", "load balancer", "loadbalancer", "elb", "alb"],
    &[
        "oom",
        "out of memory",
        "oom killer",
        "oomkilled",
        "oom-killed",
    ],
    &[
        "ddos",
        "denial of service",
        "dos attack",
        "distributed denial of service",
    ],
    &["vuln", "vulnerability", "vulns", "vulnerabilities"],
    &["pw", "password", "pwd", "passwd", "passwords", "passphrase"],
    &["tls", "ssl"],
    &[
        "mfa",
        "2fa",
        "multi-factor",
        "multifactor",
        "two-factor",
        "two factor",
    ],
    &["sso", "single sign-on", "single sign on"],
    &["env", "environment"],
    &["prod", "production"],
    &["repo", "repository", "repos", "repositories"],
    &["infra", "infrastructure"],
    &["perf", "performance"],
    &["mem", "memory"],
    &["vm", "virtual machine", "vms"],
    &["ha", "high availability"],
    &["dr", "disaster recovery"],
    &[
        "pii",
        "personal data",
        "personally identifiable information",
    ],
    &[
        "phish",
        "phishing",
        "phished",
        "spear-phishing",
        "spearphishing",
    ],
    &["iam", "identity and access management"],
    &["waf", "web application firewall"],
    &["xss", "cross-site scripting", "cross site scripting"],
    &["sqli", "sql injection"],
    &["rce", "remote code execution"],
    &["ssrf", "server-side request forgery"],
    &["mitm", "man in the middle", "man-in-the-middle"],
    &["eol", "end of life", "end-of-life"],
    &["txn", "transaction", "transactions"],
    &["xid", "transaction id"],
    &["wraparound", "wrap around", "wrap-around"],
    &["failover", "fail over", "fail-over"],
    &["rollback", "roll back", "rolled back"],
    &["rollout", "roll out", "rolled out"],
    &["backup", "back up", "backups"],
    &["login", "log in", "logon", "sign in", "signin"],
    &["email", "e-mail", "emails"],
    &["timeout", "time out", "timed out", "timeouts"],
    &["shutdown", "shut down"],
    &["runbook", "run book", "playbook", "runbooks"],
    &["dns", "domain name system", "nameserver", "name server"],
    &["ntp", "time sync", "clock sync"],
    &["clock skew", "clock drift", "time drift"],
    &["tz", "timezone", "time zone"],
    &[
        "regex",
        "regexp",
        "regular expression",
        "regular expressions",
    ],
    &["disk full", "out of disk", "no space left", "disk space"],
    &["api key", "api token", "access key", "secret key"],
    &["secret", "secrets"],
    &["ci", "continuous integration"],
    &["pr", "pull request", "merge request"],
    &["laptop", "notebook computer"],
    &["outage", "downtime", "outages"],
    // How write-ups name unplanned cloud spending: "the AWS bill", "cloud
    // costs", "the spend alert".
    &["bill", "cost", "spend"],
    &["pg", "postgres", "postgresql"],
    &["mysql", "mariadb"],
    &["s3", "object storage"],
    &["cdn", "content delivery network"],
    &["bgp", "border gateway protocol"],
    &["vpn", "virtual private network"],
    &["sla", "service level agreement"],
    &["slo", "service level objective"],
    &["rca", "root cause analysis", "postmortem", "post-mortem"],
    &["on-call", "oncall", "on call"],
    &["typo", "typing error"],
    &["exfil", "exfiltration", "exfiltrated"],
    &["insider", "insider threat"],
    &["gdpr", "data protection regulation"],
    &["hr", "human resources"],
];

/// The synonym table: built in, plus the knowledge base's own groups.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<String>>,
    /// A form (lowercase words joined by one space) -> its groups.
    index: HashMap<String, Vec<usize>>,
    longest: usize,
}

fn normalize(form: &str) -> String {
    super::query::plain_words(form).join(" ")
}

impl Synonyms {
    pub fn new(extra: &[Vec<String>]) -> Synonyms {
        let mut s = Synonyms::default();
        let built_in = BUILT_IN
            .iter()
            .map(|g| g.iter().map(|f| f.to_string()).collect::<Vec<_>>());
        for group in built_in.chain(extra.iter().cloned()) {
            let forms: Vec<String> = group
                .iter()
                .map(|f| normalize(f))
                .filter(|f| !f.is_empty())
                .collect();
            if forms.len() < 2 {
                continue;
            }
            let id = s.groups.len();
            for form in &forms {
                s.longest = s.longest.max(form.split(' ').count());
                let groups = s.index.entry(form.clone()).or_default();
                if !groups.contains(&id) {
                    groups.push(id);
                }
            }
            s.groups.push(forms);
        }
        s
    }

    /// How many words the longest form has.
    pub fn longest(&self) -> usize {
        self.longest
    }

    /// The equivalents of `form` (words joined by spaces), itself excluded.
    pub fn equivalents(&self, form: &str) -> Vec<String> {
        let form = normalize(form);
        let mut out: Vec<String> = Vec::new();
        for &g in self.index.get(&form).into_iter().flatten() {
            for other in &self.groups[g] {
                if *other != form && !out.contains(other) {
                    out.push(other.clone());
                }
            }
        }
        out
    }

    /// Whether `form` is in the table.
    pub fn knows(&self, form: &str) -> bool {
        self.index.contains_key(&normalize(form))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_and_multi_word() {
        let s = Synonyms::new(&[]);
        assert!(s.equivalents("db").contains(&"database".to_string()));
        assert!(s.equivalents("Database").contains(&"db".to_string()));
        assert!(s.equivalents("load balancer").contains(&"lb".to_string()));
        assert!(s.equivalents("oom").contains(&"out of memory".to_string()));
        assert!(s.equivalents("k8s").contains(&"kubernetes".to_string()));
        assert!(s.equivalents("unrelated").is_empty());
        assert!(s.longest() >= 4);
    }

    #[test]
    fn extra_groups() {
        let s = Synonyms::new(&[vec!["pgb".into(), "pgbouncer".into()]]);
        assert_eq!(s.equivalents("pgb"), ["pgbouncer"]);
    }
}

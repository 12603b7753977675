//! Credentials in text: a rule table in the shape gitleaks uses (id,
//! description, regex, the capture group that is the secret, a minimum
//! Shannon entropy, cheap keywords checked before the regex), with
//! examples that must match and near-misses that must not, run by a test
//! per rule.
//!
//! The rules follow gitleaks' default configuration
//! (<https://github.com/gitleaks/gitleaks>, config/gitleaks.toml, MIT;
//! read at commit 009e025a) where it has a rule, with the same regex,
//! entropy and keywords; the others (AWS secret keys, Azure storage keys
//! and SAS tokens, GCP service-account keys, Docker Hub tokens,
//! credentials in URLs and assignments) are written after Nosey Parker's
//! rules (<https://github.com/praetorian-inc/noseyparker>, Apache-2.0) and
//! say so in `source`. Placeholders never count: `xxxx`, `****`,
//! `<token>`, `${SECRET}`, `$ENV_VAR`, `changeme`, documented example
//! keys; and for the generic rules also commit ids, content hashes and
//! UUIDs.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

/// One kind of credential.
#[derive(Debug)]
pub struct SecretRule {
    /// Stable id, as gitleaks names it where it has the rule.
    pub id: &'static str,
    pub description: &'static str,
    /// Where the rule comes from.
    pub source: &'static str,
    pub regex: &'static str,
    /// The capture group that is the secret (0: the first group that
    /// matched, else the whole match).
    pub secret_group: usize,
    /// The least Shannon entropy (bits per character) of a real secret.
    pub entropy: Option<f32>,
    /// Lowercase; the regex runs only on text holding one of them.
    pub keywords: &'static [&'static str],
    /// Text the rule must find a secret in.
    pub examples: &'static [&'static str],
    /// Text no rule may find a secret in.
    pub near_misses: &'static [&'static str],
}

/// Rules that match shapes common outside credentials: their matches are
/// also checked against hashes, commit ids, UUIDs and plain words.
const GENERIC: &[&str] = &[
    "connection-string-password",
    "url-password",
    "password-assignment",
    "generic-api-key",
];

/// The built-in rules, most specific first: where two find the same
/// secret, the first one names it.
pub static RULES: &[SecretRule] = &[
    SecretRule {
        id: r#"aws-access-token"#,
        description: r#"AWS access key id"#,
        source: r#"gitleaks"#,
        regex: r#"\b((?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})\b"#,
        secret_group: 1,
        entropy: Some(3.0),
        keywords: &[r#"a3t"#, r#"akia"#, r#"asia"#, r#"abia"#, r#"acca"#],
        examples: &[
            r#"aws_access_key_id = AKIAIDVWTFKTANGPVYQE"#,
            r#"the key ASIABEMZUMLENMWFQTRI was used from a new IP"#,
        ],
        near_misses: &[
            r#"aws_access_key_id = AKIAIOSFODNN7EXAMPLE"#,
            r#"AKIA1234 is too short"#,
            r#"the akiaxxxxxxxxxxxxxxxxxxx placeholder"#,
        ],
    },
    SecretRule {
        id: r#"aws-secret-access-key"#,
        description: r#"AWS secret access key next to its name"#,
        source: r#"own, after Nosey Parker's rules"#,
        regex: r#"(?i)\baws_?secret_?access_?key\b[\s'\"]{0,3}(?:=|:|=>)[\s'\"]{0,3}([A-Za-z0-9/+]{40})(?:[^A-Za-z0-9/+=]|$)"#,
        secret_group: 1,
        entropy: Some(4.0),
        keywords: &[r#"aws_secret"#, r#"awssecret"#, r#"secret_access"#],
        examples: &[
            r#"aws_secret_access_key = iJ5PqKfUg7z1xtn1DjaiZ9sHB7QziKzxgErUFUc3"#,
            r#"AWS_SECRET_ACCESS_KEY: "IdJE+3536/U9Zk+N21XP2a4QL/Ol9TtSz7SzeNPN""#,
        ],
        near_misses: &[
            r#"aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"#,
            r#"aws_secret_access_key = ${AWS_SECRET_ACCESS_KEY}"#,
        ],
    },
    SecretRule {
        id: r#"gcp-api-key"#,
        description: r#"Google Cloud API key"#,
        source: r#"gitleaks"#,
        regex: r#"\b(AIza[0-9A-Za-z_-]{35})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(4.0),
        keywords: &[r#"aiza"#],
        examples: &[r#"maps key AIzaqIkyBA-hyPi6zcxDf-z381G_1DYeFZQN_c2 in the config"#],
        near_misses: &[
            r#"AIzaSyabcdefghijklmnopqrstuvwxyz1234567"#,
            r#"AIza too short"#,
        ],
    },
    SecretRule {
        id: r#"gcp-service-account-key"#,
        description: r#"GCP service account private key in JSON"#,
        source: r#"own, after Nosey Parker's rules"#,
        regex: r#"\"private_key\"\s*:\s*\"(-----BEGIN (?:RSA )?PRIVATE KEY-----(?:\\n|[A-Za-z0-9+/=]){64,}?-----END (?:RSA )?PRIVATE KEY-----(?:\\n)?)\""#,
        secret_group: 1,
        entropy: None,
        keywords: &[r#""private_key""#],
        examples: &[
            r#"{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\nxOXUmKwvzfyMcU2of/WRRJaLZ+lEtSbWI9vAMuIiLyCIzC8gwrqeg577wl6tPbGh\nKKtCkMWZ9RdnfECc2xbNDaWdoqNdTOniqNcM/8ZvU4mOjGiDWfOXL6oDQRPR39TP\n-----END PRIVATE KEY-----\n"}"#,
        ],
        near_misses: &[
            r#""private_key": "<the key>""#,
            r#""private_key_id": "d7024e78151b0d833609480c6f3de6cf8d08af92""#,
        ],
    },
    SecretRule {
        id: r#"azure-storage-account-key"#,
        description: r#"Azure storage account key (connection string AccountKey)"#,
        source: r#"own, after Nosey Parker's rules"#,
        regex: r#"(?i)\bAccountKey\s*=\s*([A-Za-z0-9+/]{86}==)"#,
        secret_group: 1,
        entropy: Some(4.0),
        keywords: &[r#"accountkey"#],
        examples: &[
            r#"DefaultEndpointsProtocol=https;AccountName=prodlogs;AccountKey=h7TO7DKDQBgjrdBG1ywc7zGVmbELfGmFFHFM1JkVzGAVb9VGCdzKfsG+fkNFI/0Wbq41xwuXHSLK4axTU4tZUJ==;EndpointSuffix=core.windows.net"#,
        ],
        near_misses: &[r#"AccountKey=<key>"#, r#"AccountKey=${STORAGE_KEY}"#],
    },
    SecretRule {
        id: r#"azure-sas-token"#,
        description: r#"Azure shared access signature"#,
        source: r#"own, after Nosey Parker's rules"#,
        regex: r#"(?i)\bsv=[0-9]{4}-[0-9][0-9]-[0-9][0-9]\b[^\s\"'<>]{0,300}?[?&]sig=([A-Za-z0-9%+/=]{40,})"#,
        secret_group: 1,
        entropy: Some(3.5),
        keywords: &[r#"sig="#],
        examples: &[
            r#"https://prodlogs.blob.core.windows.net/exports?sv=2022-11-02&ss=b&srt=o&sp=rl&se=2024-04-01T00:00:00Z&sig=TBoRiuAz4T0PSdGKVVKyIlBszRddiiGnoSrhHgwh7E2%3D"#,
        ],
        near_misses: &[
            r#"https://x.blob.core.windows.net/c?sv=2022-11-02&sig=<signature>"#,
            r#"sig=abc"#,
        ],
    },
    SecretRule {
        id: r#"azure-ad-client-secret"#,
        description: r#"Azure AD (Entra ID) client secret"#,
        source: r#"gitleaks"#,
        regex: r#"(?:^|[\\'\"\x60\s>=:(,)])([a-zA-Z0-9_~.]{3}[0-9]Q~[a-zA-Z0-9_~.-]{31,34})(?:$|[\\'\"\x60\s<),])"#,
        secret_group: 1,
        entropy: Some(3.0),
        keywords: &[r#"q~"#],
        examples: &[r#"client_secret = rjo8Q~1V8T_aOjkUmKmb40Uku~NlE9FXDc_yreIo"#],
        near_misses: &[r#"Q~ alone"#, r#"abc8Q~short"#],
    },
    SecretRule {
        id: r#"github-pat"#,
        description: r#"GitHub personal access token"#,
        source: r#"gitleaks"#,
        regex: r#"ghp_[0-9a-zA-Z]{36}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"ghp_"#],
        examples: &[r#"token ghp_GdscBhujlxzwhJAReMvB83mBRK5PcXxFSs25 pushed by mistake"#],
        near_misses: &[r#"ghp_short"#, r#"export GITHUB_TOKEN=$GH_TOKEN"#],
    },
    SecretRule {
        id: r#"github-oauth"#,
        description: r#"GitHub OAuth access token"#,
        source: r#"gitleaks"#,
        regex: r#"gho_[0-9a-zA-Z]{36}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"gho_"#],
        examples: &[r#"token gho_g3jFm25ECrugcYq8YYUt3pnMWdKNHpZhfuNI pushed by mistake"#],
        near_misses: &[r#"gho_short"#, r#"export GITHUB_TOKEN=$GH_TOKEN"#],
    },
    SecretRule {
        id: r#"github-refresh-token"#,
        description: r#"GitHub refresh token"#,
        source: r#"gitleaks"#,
        regex: r#"ghr_[0-9a-zA-Z]{36}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"ghr_"#],
        examples: &[r#"token ghr_qwpJ7DtjRG0aQ3x1p5jBdeMGSbVfwbZzoYfe pushed by mistake"#],
        near_misses: &[r#"ghr_short"#, r#"export GITHUB_TOKEN=$GH_TOKEN"#],
    },
    SecretRule {
        id: r#"github-app-token"#,
        description: r#"GitHub app installation or user-to-server token"#,
        source: r#"gitleaks"#,
        regex: r#"(?:ghu|ghs)_[0-9a-zA-Z]{36}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"ghu_"#, r#"ghs_"#],
        examples: &[r#"ghs_8C6dQcS2hjU75neHgL2dxEq8A5vlsKnT5ddK"#],
        near_misses: &[r#"ghs_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"#],
    },
    SecretRule {
        id: r#"github-fine-grained-pat"#,
        description: r#"GitHub fine-grained personal access token"#,
        source: r#"gitleaks"#,
        regex: r#"github_pat_[0-9A-Za-z_]{82}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"github_pat_"#],
        examples: &[
            r#"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"#,
        ],
        near_misses: &[r#"github_pat_ is the prefix"#],
    },
    SecretRule {
        id: r#"gitlab-pat"#,
        description: r#"GitLab personal access token"#,
        source: r#"gitleaks"#,
        regex: r#"glpat-[0-9A-Za-z_-]{20}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"glpat-"#],
        examples: &[r#"glpat-i9l9qhyjd3wPmxCkx99C"#],
        near_misses: &[r#"glpat-xxxxxxxxxxxxxxxxxxxx"#],
    },
    SecretRule {
        id: r#"gitlab-pipeline-trigger-token"#,
        description: r#"GitLab pipeline trigger token"#,
        source: r#"gitleaks"#,
        regex: r#"glptt-[0-9a-f]{40}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"glptt-"#],
        examples: &[r#"glptt-df95140800421611d95756c4cf32cc5ea5630724"#],
        near_misses: &[r#"glptt-0000"#],
    },
    SecretRule {
        id: r#"gitlab-runner-registration-token"#,
        description: r#"GitLab runner registration token"#,
        source: r#"gitleaks"#,
        regex: r#"GR1348941[0-9A-Za-z_-]{20}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"gr1348941"#],
        examples: &[r#"GR13489415pl4Elo7LRtW4S03h4hb"#],
        near_misses: &[r#"GR1348941"#],
    },
    SecretRule {
        id: r#"gitlab-runner-authentication-token"#,
        description: r#"GitLab runner authentication token"#,
        source: r#"gitleaks"#,
        regex: r#"glrt-[0-9a-zA-Z_\-]{20}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"glrt-"#],
        examples: &[r#"glrt-ZtO11LFj8hNhBMjFfgSP"#],
        near_misses: &[r#"glrt-example"#],
    },
    SecretRule {
        id: r#"gitlab-deploy-token"#,
        description: r#"GitLab deploy token"#,
        source: r#"gitleaks"#,
        regex: r#"gldt-[0-9a-zA-Z_\-]{20}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"gldt-"#],
        examples: &[r#"gldt-PvHHspEVWuoyVXfGHuSu"#],
        near_misses: &[r#"gldt-"#],
    },
    SecretRule {
        id: r#"slack-bot-token"#,
        description: r#"Slack bot token"#,
        source: r#"gitleaks"#,
        regex: r#"xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"xoxb"#],
        examples: &[r#"xoxb-79186198277-814756062636-rdJTxOvRCuJB990tWxPufiti"#],
        near_misses: &[r#"xoxb-your-token-here"#],
    },
    SecretRule {
        id: r#"slack-user-token"#,
        description: r#"Slack user token"#,
        source: r#"gitleaks"#,
        regex: r#"xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}"#,
        secret_group: 0,
        entropy: Some(2.0),
        keywords: &[r#"xoxp-"#, r#"xoxe-"#],
        examples: &[
            r#"xoxp-67645152322-15218704310-022370274176-61a0736ac3a33fc51c7d852567986809"#,
        ],
        near_misses: &[r#"xoxp-1234"#],
    },
    SecretRule {
        id: r#"slack-app-token"#,
        description: r#"Slack app-level token"#,
        source: r#"gitleaks"#,
        regex: r#"(?i)xapp-[0-9]-[A-Z0-9]+-[0-9]+-[a-z0-9]+"#,
        secret_group: 0,
        entropy: Some(2.0),
        keywords: &[r#"xapp"#],
        examples: &[
            r#"xapp-1-AI16S7XEU1U-8200148737856-72e7b4cb67e8b808bc401ce2b8dd8b0f90cbe0f86fee0a8e44b96f09547c52cd"#,
        ],
        near_misses: &[r#"xapp-token"#],
    },
    SecretRule {
        id: r#"slack-webhook-url"#,
        description: r#"Slack incoming webhook URL"#,
        source: r#"gitleaks"#,
        regex: r#"(?:https?://)?hooks.slack.com/(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}"#,
        secret_group: 0,
        entropy: None,
        keywords: &[r#"hooks.slack.com"#],
        examples: &[
            r#"https://hooks.slack.com/services/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"#,
        ],
        near_misses: &[
            r#"https://hooks.slack.com/services/T000/B000/XXXX"#,
            r#"hooks.slack.com is where alerts went"#,
        ],
    },
    SecretRule {
        id: r#"stripe-access-token"#,
        description: r#"Stripe secret or restricted key"#,
        source: r#"gitleaks"#,
        regex: r#"\b((?:sk|rk)_(?:test|live|prod)_[a-zA-Z0-9]{10,99})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(2.0),
        keywords: &[
            r#"sk_test"#,
            r#"sk_live"#,
            r#"sk_prod"#,
            r#"rk_test"#,
            r#"rk_live"#,
            r#"rk_prod"#,
        ],
        examples: &[r#"STRIPE_KEY=sk_live_YrhaFtJOn2olmWRCAkaFAwZq"#],
        near_misses: &[r#"sk_live_<key>"#, r#"rk_live_"#],
    },
    SecretRule {
        id: r#"twilio-api-key"#,
        description: r#"Twilio API key"#,
        source: r#"gitleaks"#,
        regex: r#"\bSK[0-9a-fA-F]{32}\b"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"sk"#],
        examples: &[r#"twilio key SK2222559fec4c9a3af3fbe211658710ef"#],
        near_misses: &[r#"SKU 12345"#, r#"SK00000000000000000000000000000000"#],
    },
    SecretRule {
        id: r#"sendgrid-api-token"#,
        description: r#"SendGrid API key"#,
        source: r#"gitleaks"#,
        regex: r#"\b(SG\.(?i)[a-z0-9=_\-\.]{66})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(2.0),
        keywords: &[r#"sg."#],
        examples: &[r#"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"#],
        near_misses: &[r#"SG.example"#],
    },
    SecretRule {
        id: r#"npm-access-token"#,
        description: r#"npm access token"#,
        source: r#"gitleaks"#,
        regex: r#"(?i)\b(npm_[a-z0-9]{36})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(2.0),
        keywords: &[r#"npm_"#],
        examples: &[r#"//registry.npmjs.org/:_authToken=npm_ed2BMBT82Atre0VvxpfV6pmNb0PUsWPPn0QM"#],
        near_misses: &[r#"npm_config_cache=/tmp/npm"#],
    },
    SecretRule {
        id: r#"pypi-upload-token"#,
        description: r#"PyPI upload token"#,
        source: r#"gitleaks"#,
        regex: r#"pypi-AgEIcHlwaS5vcmc[0-9A-Za-z_-]{50,1000}"#,
        secret_group: 0,
        entropy: Some(3.0),
        keywords: &[r#"pypi-ageichlwas5vcmc"#],
        examples: &[
            r#"password = pypi-AgEIcHlwaS5vcmc4KzlA5baSk30loWfCodQVPsWeuqKngiqDU8CP70z0oFaIKxIOF8W2whyeTYLsEwnq_1hBj"#,
        ],
        near_misses: &[r#"pypi-AgEIcHlwaS5vcmc"#],
    },
    SecretRule {
        id: r#"dockerhub-pat"#,
        description: r#"Docker Hub personal access token"#,
        source: r#"own, after Nosey Parker's rules"#,
        regex: r#"\b(dckr_pat_[A-Za-z0-9_-]{27})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(3.0),
        keywords: &[r#"dckr_pat_"#],
        examples: &[r#"docker login -u ci -p dckr_pat_lp0q98H86nzXLM9zeeCUYLqiRsK"#],
        near_misses: &[r#"dckr_pat_<token>"#],
    },
    SecretRule {
        id: r#"heroku-api-key"#,
        description: r#"Heroku API key next to its name"#,
        source: r#"gitleaks"#,
        regex: r#"(?i)[0-9A-Za-z_.-]{0,50}?(?:heroku)(?:[ \t0-9A-Za-z_.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: None,
        keywords: &[r#"heroku"#],
        examples: &[r#"HEROKU_API_KEY=d6287c61-e395-555f-b8f4-df40483d06d9"#],
        near_misses: &[r#"heroku app restarted at 10:39"#],
    },
    SecretRule {
        id: r#"heroku-api-key-v2"#,
        description: r#"Heroku API key (new format)"#,
        source: r#"gitleaks"#,
        regex: r#"\b((HRKU-AA[0-9a-zA-Z_-]{58}))(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(4.0),
        keywords: &[r#"hrku-aa"#],
        examples: &[r#"HRKU-AAZ89Hbpvme8hkw7eVjWkD1rcJ-WDoVX3G4JyTioqg5L09MchtXZlv3mVn7U"#],
        near_misses: &[r#"HRKU-AA"#],
    },
    SecretRule {
        id: r#"shopify-access-token"#,
        description: r#"Shopify access token"#,
        source: r#"gitleaks"#,
        regex: r#"shpat_[a-fA-F0-9]{32}"#,
        secret_group: 0,
        entropy: Some(2.0),
        keywords: &[r#"shpat_"#],
        examples: &[r#"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"#],
        near_misses: &[r#"shpat_token"#],
    },
    SecretRule {
        id: r#"shopify-custom-access-token"#,
        description: r#"Shopify custom app access token"#,
        source: r#"gitleaks"#,
        regex: r#"shpca_[a-fA-F0-9]{32}"#,
        secret_group: 0,
        entropy: Some(2.0),
        keywords: &[r#"shpca_"#],
        examples: &[r#"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"#],
        near_misses: &[r#"shpca_token"#],
    },
    SecretRule {
        id: r#"shopify-private-app-access-token"#,
        description: r#"Shopify private app access token"#,
        source: r#"gitleaks"#,
        regex: r#"shppa_[a-fA-F0-9]{32}"#,
        secret_group: 0,
        entropy: Some(2.0),
        keywords: &[r#"shppa_"#],
        examples: &[r#"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"#],
        near_misses: &[r#"shppa_token"#],
    },
    SecretRule {
        id: r#"shopify-shared-secret"#,
        description: r#"Shopify shared secret"#,
        source: r#"gitleaks"#,
        regex: r#"shpss_[a-fA-F0-9]{32}"#,
        secret_group: 0,
        entropy: Some(2.0),
        keywords: &[r#"shpss_"#],
        examples: &[r#"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"#],
        near_misses: &[r#"shpss_token"#],
    },
    SecretRule {
        id: r#"atlassian-api-token"#,
        description: r#"Atlassian (Jira, Confluence) API token"#,
        source: r#"gitleaks"#,
        regex: r#"(?i)[0-9A-Za-z_.-]{0,50}?(?:(?-i:ATLASSIAN|[Aa]tlassian)|(?-i:CONFLUENCE|[Cc]onfluence)|(?-i:JIRA|[Jj]ira))(?:[ \t0-9A-Za-z_.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-z0-9]{20}[a-f0-9]{4})(?:[\x60'"\s;]|\\[nr]|$)|\b(ATATT3[A-Za-z0-9_\-=]{186})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 0,
        entropy: Some(3.5),
        keywords: &[r#"atlassian"#, r#"confluence"#, r#"jira"#, r#"atatt3"#],
        examples: &[
            r#"ATATT39y3JkOBid0szTdKNSn6W__MstzH2GfLGXlkH8B-xB7jaSXbdsbIL08_jEgACYGxYrwe4h5mLb1GbzCY3RdaPeLccCw9fZsN5pYv59zpLpd9JfPfQ7ht9Wx5jdjNTkbijb94fwAjqFCzPuObG9-qkcwiGBgn5W0EbgEbbbpIput-UATIAnVH4V0Mt4x"#,
            r#"JIRA_TOKEN = dff0iulwlvijkgeg2hmlb8d4"#,
        ],
        near_misses: &[r#"jira ticket SEC-1234 was opened"#],
    },
    SecretRule {
        id: r#"openai-api-key"#,
        description: r#"OpenAI API key"#,
        source: r#"gitleaks"#,
        regex: r#"\b(sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(3.0),
        keywords: &[r#"t3blbkfj"#],
        examples: &[r#"OPENAI_API_KEY=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"#],
        near_misses: &[r#"sk-proj-<key>"#],
    },
    SecretRule {
        id: r#"anthropic-api-key"#,
        description: r#"Anthropic API key"#,
        source: r#"gitleaks"#,
        regex: r#"\b(sk-ant-api03-[a-zA-Z0-9_\-]{93}AA)(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: None,
        keywords: &[r#"sk-ant-api03"#],
        examples: &[
            r#"sk-ant-api03-ehEeVYbDWlB2w79BugHP44uuf7uw6FPblH0Z1jJdPJ3_87UZ6JGx6ZbjBfEe2lzJY4gVFtvEshT0nem2OjssSff1Kf2OOAA"#,
        ],
        near_misses: &[r#"sk-ant-api03-..."#],
    },
    SecretRule {
        id: r#"jwt"#,
        description: r#"JSON Web Token"#,
        source: r#"gitleaks"#,
        regex: r#"\b(ey[a-zA-Z0-9]{17,}\.ey[a-zA-Z0-9\/\\_-]{17,}\.(?:[a-zA-Z0-9\/\\_-]{10,}={0,2})?)(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(3.0),
        keywords: &[r#"eyj"#],
        examples: &[
            r#"Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFkYSJ9.ZHIp2FLmeEdMxx6DKvv4VNib4OMuiW0q5ck4_zLGZJw"#,
        ],
        near_misses: &[r#"they said the eye of the storm"#, r#"eyJhbGciOi alone"#],
    },
    SecretRule {
        id: r#"private-key"#,
        description: r#"Private key block (RSA, EC, OpenSSH, PGP, PKCS#8)"#,
        source: r#"gitleaks"#,
        regex: r#"(?i)-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----[\s\S-]{64,}?KEY(?: BLOCK)?-----"#,
        secret_group: 0,
        entropy: None,
        keywords: &[r#"-----begin"#],
        examples: &[
            r#"-----BEGIN RSA PRIVATE KEY-----
7OPtt38xsPJELRAHo+5urXOr/BfZbgg+gTjS0BeqhLluoquum5Y7K5+1vMV7Tp4M
t+Lh0/C64yhGED+MRyWd0gmvJR90UzzRFDOwjip2QZgf33NCWFwZDYNDnt/Hs1wp
-----END RSA PRIVATE KEY-----"#,
            r#"-----BEGIN OPENSSH PRIVATE KEY-----
TwZnlNjzXQfivDwPxC5krcElGcubPpWsHSQh1SLKsl2pTqHBdZz1tWW+wzo9JsGP3DL9bL
-----END OPENSSH PRIVATE KEY-----"#,
            r#"-----BEGIN PGP PRIVATE KEY BLOCK-----

RTegznI0ssgjLQlQRCCCMqOiZzyeHAE7hgfO4aqv+YgcrJlSw9MI3+nE+5QqDKY9
-----END PGP PRIVATE KEY BLOCK-----"#,
            r#"-----BEGIN EC PRIVATE KEY-----
jMDMO6n9Dm4MDjreQ0dyg+xpZww/RgsDWsGBNaHYM42T+D/u4oZZXvGOC5HhzohW
-----END EC PRIVATE KEY-----"#,
            r#"-----BEGIN PRIVATE KEY-----
5ILyZpTZ5VNhggAeWgEfXFmsX+AT/E1KQP/Yul8SJcNRRjFqz9l65blA8QVDwxPr
-----END PRIVATE KEY-----"#,
        ],
        near_misses: &[
            r#"-----BEGIN PUBLIC KEY-----
LRc7Zs1nE54/iNLFj2uT/SSBuUKthNpYWEL6+Tvivd8xRk3wOh9OXf9DM8eT/zwZ
-----END PUBLIC KEY-----"#,
            r#"the private key file was on the laptop"#,
        ],
    },
    SecretRule {
        id: r#"vault-service-token"#,
        description: r#"HashiCorp Vault service token"#,
        source: r#"gitleaks"#,
        regex: r#"\b(hvs\.[0-9A-Za-z_-]{90,120})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(3.5),
        keywords: &[r#"hvs."#],
        examples: &[
            r#"VAULT_TOKEN=hvs.5KZJoGUm76swRmw_SV5XS-8pb9drMihVnrKWyPitiRRiBDN6tvb6sE2fvWUC6Q7lvKLZmG0FhyYu8g4l2WOzYS6GUeA0FjF"#,
        ],
        near_misses: &[r#"hvs.token"#],
    },
    SecretRule {
        id: r#"mailgun-private-api-token"#,
        description: r#"Mailgun private API key"#,
        source: r#"gitleaks"#,
        regex: r#"(?i)[0-9A-Za-z_.-]{0,50}?(?:mailgun)(?:[ \t0-9A-Za-z_.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}(key-[a-f0-9]{32})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: None,
        keywords: &[r#"mailgun"#],
        examples: &[r#"MAILGUN_API_KEY = key-edee61b4ebb50819af39ec327f1bb010"#],
        near_misses: &[r#"mailgun bounced 300 emails"#],
    },
    SecretRule {
        id: r#"mailchimp-api-key"#,
        description: r#"Mailchimp API key"#,
        source: r#"gitleaks"#,
        regex: r#"(?i)[0-9A-Za-z_.-]{0,50}?(?:MailchimpSDK.initialize|mailchimp)(?:[ \t0-9A-Za-z_.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([a-f0-9]{32}-us[0-9][0-9])(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: None,
        keywords: &[r#"mailchimp"#],
        examples: &[r#"mailchimp_key: 67aa6d4d20079b7029d00d246e28cc3c-us21"#],
        near_misses: &[r#"mailchimp list export"#],
    },
    SecretRule {
        id: r#"postman-api-token"#,
        description: r#"Postman API key"#,
        source: r#"gitleaks"#,
        regex: r#"\b(PMAK-(?i)[a-f0-9]{24}\-[a-f0-9]{34})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(3.0),
        keywords: &[r#"pmak-"#],
        examples: &[r#"PMAK-5822dc4de648c6b480f08ed1-8d17266ede988030fee649824e9b8000a2"#],
        near_misses: &[r#"PMAK-"#],
    },
    SecretRule {
        id: r#"digitalocean-pat"#,
        description: r#"DigitalOcean personal access token"#,
        source: r#"gitleaks"#,
        regex: r#"\b(dop_v1_[a-f0-9]{64})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(3.0),
        keywords: &[r#"dop_v1_"#],
        examples: &[r#"dop_v1_5da1c3da35de771a2d10af8bb5e329eabf3b87f291f11b61d364e74bec5d5334"#],
        near_misses: &[r#"dop_v1_token"#],
    },
    SecretRule {
        id: r#"databricks-api-token"#,
        description: r#"Databricks API token"#,
        source: r#"gitleaks"#,
        regex: r#"\b(dapi[a-f0-9]{32}(?:-[0-9])?)(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(3.0),
        keywords: &[r#"dapi"#],
        examples: &[r#"token dapia1e1c403b326069cac32f5a5703a73ca"#],
        near_misses: &[r#"dapi is the prefix"#],
    },
    SecretRule {
        id: r#"telegram-bot-api-token"#,
        description: r#"Telegram bot token next to its name"#,
        source: r#"gitleaks"#,
        regex: r#"(?i)[0-9A-Za-z_.-]{0,50}?(?:telegr)(?:[ \t0-9A-Za-z_.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([0-9]{5,16}:(?-i:A)[a-z0-9_\-]{34})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: None,
        keywords: &[r#"telegr"#],
        examples: &[r#"TELEGRAM_BOT_TOKEN=3831006329:AGjEQ9B88rPCt_aJz-maVQPY-spBqPvoXIs"#],
        near_misses: &[r#"telegram alert channel"#],
    },
    SecretRule {
        id: r#"connection-string-password"#,
        description: r#"Password in a database or broker URL (postgres, mysql, mongodb, redis, amqp)"#,
        source: r#"own, after Nosey Parker's rules"#,
        regex: r#"(?i)\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|sqlserver|mssql)://[^\s:/@'\"]*:([^\s@'\"/]{3,})@[^\s'\"]+"#,
        secret_group: 1,
        entropy: None,
        keywords: &[r#"://"#],
        examples: &[
            r#"DATABASE_URL=postgres://app:vM4DQM8TkjGZ2SFq@db.internal:5432/orders"#,
            r#"mongodb+srv://svc:LTd5IJiwc1N3bE@cluster0.abcde.mongodb.net/prod"#,
            r#"redis://:dMbmRDnCajspFsw1wv5J@cache:6379/0"#,
            r#"amqp://orders:uKFzMeEEMiaE@rabbit:5672/"#,
            r#"mysql://root:cvhHbUM8QfDv@10.0.0.5/billing"#,
        ],
        near_misses: &[
            r#"postgres://app:${DB_PASSWORD}@db:5432/orders"#,
            r#"postgres://app:<password>@db/orders"#,
            r#"postgres://app@db:5432/orders"#,
            r#"mysql://root:****@db/billing"#,
            r#"redis://cache:6379/0"#,
        ],
    },
    SecretRule {
        id: r#"url-password"#,
        description: r#"Password in a web URL"#,
        source: r#"own, after Nosey Parker's rules"#,
        regex: r#"(?i)\bhttps?://[^\s:/@'\"]+:([^\s@'\"/]{6,})@[A-Za-z0-9.-]+"#,
        secret_group: 1,
        entropy: Some(3.0),
        keywords: &[r#"://"#],
        examples: &[r#"curl https://deploy:v7RBoL6W79oPVDNeig@artifacts.internal/repo"#],
        near_misses: &[
            r#"https://user:password@example.com is the format"#,
            r#"https://example.com/a@b"#,
        ],
    },
    SecretRule {
        id: r#"password-assignment"#,
        description: r#"High-entropy value assigned to a password, secret or token"#,
        source: r#"own, after gitleaks' generic-api-key"#,
        regex: r#"(?i)(?:\b|_)(?:password|passwd|pwd|pass|secret|token|client_secret|api_key|apikey)\b[\s'\"]{0,3}(?:=|:|=>|:=)[\s'\"]{0,3}([^\s'\"\x60;,]{8,128})"#,
        secret_group: 1,
        entropy: Some(3.2),
        keywords: &[
            r#"pass"#,
            r#"pwd"#,
            r#"secret"#,
            r#"token"#,
            r#"api_key"#,
            r#"apikey"#,
        ],
        examples: &[
            r#"password = 2Kf9jUhRHo!tgENJ"#,
            r#"db_password: "49rTkr62fePMf0""#,
            r#"token=HQhUyPiAaTK2PpW7oBxxzjBUG1Q5GmrK"#,
        ],
        near_misses: &[
            r#"password = changeme"#,
            r#"password: ${DB_PASSWORD}"#,
            r#"token = <redacted>"#,
            r#"secret: ********"#,
            r#"password = password123"#,
            r#"token = ff6805e139d9218fc1a3b17741740dbc09d9bde3"#,
        ],
    },
    SecretRule {
        id: r#"generic-api-key"#,
        description: r#"High-entropy string next to a secret-like word"#,
        source: r#"gitleaks"#,
        regex: r#"(?i)[0-9A-Za-z_.-]{0,50}?(?:access|auth|(?-i:[Aa]pi|API)|credential|creds|key|passw(?:or)?d|secret|token)(?:[ \t0-9A-Za-z_.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)[\x60'"\s=]{0,5}([0-9A-Za-z_.=-]{10,150}|[a-z0-9][a-z0-9+/]{11,}={0,3})(?:[\x60'"\s;]|\\[nr]|$)"#,
        secret_group: 1,
        entropy: Some(3.5),
        keywords: &[
            r#"access"#,
            r#"api"#,
            r#"auth"#,
            r#"key"#,
            r#"credential"#,
            r#"creds"#,
            r#"passwd"#,
            r#"password"#,
            r#"secret"#,
            r#"token"#,
        ],
        examples: &[
            r#"x-api-credential: p2XpkGgB7dynYVGIwQeS0U0IYJOUpQ8S"#,
            r#"signing_key = XqFvDL8dYwGANR89sG6ahxS71MBMgFmHUAoYXkT7"#,
        ],
        near_misses: &[
            r#"api_key: 9034744d-864c-4490-6039-0b3886e57a4f"#,
            r#"commit key = 4e21616b8163f37d6b8f0c32d2de4fdcfae07f86"#,
            r#"auth: enabled_for_all_users"#,
            r#"key=value"#,
        ],
    },
];

/// A secret found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretFinding {
    pub rule: &'static str,
    pub description: &'static str,
    /// The secret's byte range in the text.
    pub span: Range<usize>,
}

/// The rules compiled once.
pub struct Detector {
    /// Each rule with its regex, compiled the first time its keywords
    /// appear (most rules never fire in a knowledge base; compiling all
    /// of them would cost every `check` run).
    rules: Vec<(&'static SecretRule, OnceLock<Regex>)>,
    /// Every rule's keywords, in a few searches over the text: together
    /// they say which lines each rule can match on.
    passes: Vec<KeywordPass>,
    /// Per rule: its keywords count only in capitals (`UPPERCASE_KEYWORD`),
    /// it spans lines (`MULTI_LINE`), it needs an assigned value
    /// (`ASSIGNED`). Looked up once here: the keyword pass asks for each
    /// of millions of matches in a large knowledge base.
    uppercase: Vec<bool>,
    multi_line: Vec<bool>,
    assigned: Vec<bool>,
    /// Per rule: its pattern needs an `@` on the line (`NEEDS_AT`).
    needs_at: Vec<bool>,
    /// Per rule: it turns down a plain word or slug (`quoted_word_line`).
    word_lines: Vec<bool>,
    placeholders: Vec<Regex>,
}

/// One search for some of the keywords, and the rules each stands for.
///
/// Why several: one automaton of every keyword searched the lowercased
/// text at about 450 MB/s (a DFA step per byte: common short words such as
/// `sk` and `api` left its SIMD prefilter nothing to skip). The SIMD
/// search (Teddy) looks for the first bytes of its keywords, as many as
/// the shortest has: three-byte keywords (`api`, `key`) among longer ones
/// made it stop on most words of prose. So the keywords of four bytes or
/// more of the rules that need an assigned value make one set, the other
/// keywords of four bytes or more another, and the shorter ones (`api`,
/// `key`, `pwd`, `eyj`, `a3t`, `sg.`, `://`, `q~`) a third; Twilio's
/// capital `SK` is a plain substring search. Over the 10,000-lesson
/// benchmark corpus the searches took 0.044 s, against 0.073 s for the
/// sets by kind before (docs/benchmarks.md).
struct KeywordPass {
    search: Search,
    /// For each keyword of the search, the rules it stands for.
    rules: Vec<Vec<usize>>,
    /// For each keyword of the search, the keywords of its set that can
    /// start inside it and end after it (`atatt3` then `t3blbkfj`): the
    /// search, which reports no overlapping matches, does not see them, so
    /// they are compared at each match.
    tails: Vec<Vec<Tail>>,
}

/// A keyword that overlaps the end of another by `overlap` bytes.
struct Tail {
    overlap: usize,
    keyword: &'static [u8],
    rules: Vec<usize>,
}

enum Search {
    /// Several keywords, leftmost-longest and without overlaps, in the
    /// lowercased text.
    Automaton(aho_corasick::AhoCorasick),
    /// One keyword of a rule that counts it only in capitals, in capitals
    /// in the text as written (`SK`: "sk" is in "task" and "risk").
    Capitals(Box<memchr::memmem::Finder<'static>>),
}

impl Detector {
    fn new() -> Detector {
        let flag =
            |list: &[&str]| -> Vec<bool> { RULES.iter().map(|r| list.contains(&r.id)).collect() };
        let (uppercase, assigned) = (flag(UPPERCASE_KEYWORD), flag(ASSIGNED));
        // Which search each keyword belongs to.
        let mut sets: [Vec<&str>; 3] = Default::default();
        let mut capitals: Vec<&str> = Vec::new();
        for (i, rule) in RULES.iter().enumerate() {
            for &k in rule.keywords {
                if uppercase[i] {
                    capitals.push(k);
                } else if k.len() < 4 {
                    sets[2].push(k);
                } else if assigned[i] {
                    sets[0].push(k);
                } else {
                    sets[1].push(k);
                }
            }
        }
        // For each keyword, the rules it stands for: its own, and those of
        // every keyword inside it (a search does not report matches
        // inside a longer one of its own set).
        let stands_for = |p: &str| -> Vec<usize> {
            RULES
                .iter()
                .enumerate()
                .filter(|(_, r)| r.keywords.iter().any(|k| p.contains(k)))
                .map(|(i, _)| i)
                .collect()
        };
        let mut passes = Vec::new();
        for mut patterns in sets {
            patterns.sort_unstable();
            patterns.dedup();
            // Leftmost-longest, without overlaps, on the lowercased text:
            // a match stands for the keywords inside it (above), and its
            // tails are compared where it ends. Every other keyword starts
            // at or after the match's end, where the search goes on.
            let automaton = aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(&patterns)
                .unwrap_or_else(|e| panic!("secret keywords: {e}"));
            let tails = patterns
                .iter()
                .map(|p| {
                    let mut tails = Vec::new();
                    for &k in &patterns {
                        // `k` starts `p.len() - overlap` bytes into `p`.
                        for overlap in 1..p.len().min(k.len()) {
                            if p.as_bytes()[p.len() - overlap..] == k.as_bytes()[..overlap] {
                                tails.push(Tail {
                                    overlap,
                                    keyword: k.as_bytes(),
                                    rules: stands_for(k),
                                });
                            }
                        }
                    }
                    tails
                })
                .collect();
            passes.push(KeywordPass {
                rules: patterns.iter().map(|p| stands_for(p)).collect(),
                tails,
                search: Search::Automaton(automaton),
            });
        }
        capitals.sort_unstable();
        capitals.dedup();
        for k in capitals {
            let upper = k.to_ascii_uppercase();
            passes.push(KeywordPass {
                rules: vec![stands_for(k)],
                tails: Vec::new(),
                search: Search::Capitals(Box::new(
                    memchr::memmem::Finder::new(upper.as_bytes()).into_owned(),
                )),
            });
        }
        Detector {
            passes,
            uppercase,
            multi_line: flag(MULTI_LINE),
            assigned,
            needs_at: flag(NEEDS_AT),
            word_lines: flag(&["password-assignment", "generic-api-key"]),
            rules: RULES.iter().map(|r| (r, OnceLock::new())).collect(),
            placeholders: PLACEHOLDERS
                .iter()
                .map(|p| Regex::new(p).unwrap_or_else(|e| panic!("placeholder {p}: {e}")))
                .collect(),
        }
    }

    /// For each rule, the lines that hold one of its keywords, in order:
    /// only those lines are searched (a private key block, which spans
    /// lines, from its first line on).
    fn windows(&self, text: &str) -> Vec<Vec<Range<usize>>> {
        let mut windows: Vec<Vec<Range<usize>>> = vec![Vec::new(); self.rules.len()];
        let bytes = text.as_bytes();
        // The line of the last match: keywords come several to a line.
        let mut last_line = 0..0;
        let mut line_of = |m: &Range<usize>| {
            if !(last_line.start <= m.start && m.end <= last_line.end) {
                let start = memchr::memrchr(b'\n', &bytes[..m.start]).map_or(0, |i| i + 1);
                let end = memchr::memchr(b'\n', &bytes[m.end..]).map_or(text.len(), |i| m.end + i);
                last_line = start..end;
            }
            last_line.clone()
        };
        let mut add = |rules: &[usize], m: Range<usize>| {
            for &rule in rules {
                if self.uppercase[rule] && bytes[m.clone()].iter().any(u8::is_ascii_lowercase) {
                    continue;
                }
                let line = line_of(&m);
                let end = if self.multi_line[rule] {
                    text.len()
                } else {
                    line.end
                };
                windows[rule].push(line.start..end);
            }
        };
        thread_local! {
            /// The text lowercased, in a buffer reused for every file.
            static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
        }
        LOWER.with_borrow_mut(|lower| {
            // ASCII lowercasing keeps every byte offset.
            lower.clear();
            lower.extend_from_slice(bytes);
            lower.make_ascii_lowercase();
            for pass in &self.passes {
                match &pass.search {
                    Search::Automaton(automaton) => {
                        for m in automaton.find_iter(lower.as_slice()) {
                            let id = m.pattern().as_usize();
                            add(&pass.rules[id], m.range());
                            for tail in &pass.tails[id] {
                                let at = m.end() - tail.overlap
                                    ..m.end() - tail.overlap + tail.keyword.len();
                                if lower.get(at.clone()) == Some(tail.keyword) {
                                    add(&tail.rules, at);
                                }
                            }
                        }
                    }
                    Search::Capitals(finder) => {
                        for at in finder.find_iter(bytes) {
                            add(&pass.rules[0], at..at + finder.needle().len());
                        }
                    }
                }
            }
        });
        // A rule's lines come from several searches: in order, and the
        // lines of a rule searched once (a window is a line or more).
        for list in windows.iter_mut().filter(|l| l.len() > 1) {
            merge_windows(list);
        }
        windows
    }

    /// Every secret in `text`, in order of position; where rules overlap,
    /// the most specific one.
    pub fn find(&self, text: &str) -> Vec<SecretFinding> {
        let windows = self.windows(text);
        let mut found: Vec<SecretFinding> = Vec::new();
        for (i, (rule, re)) in self.rules.iter().enumerate() {
            if windows[i].is_empty() {
                continue;
            }
            // The table is ours and tested: a bad pattern is a bug.
            let re = re.get_or_init(|| {
                Regex::new(&searched_pattern(rule))
                    .unwrap_or_else(|e| panic!("secret rule {}: {e}", rule.id))
            });
            let assigned = self.assigned[i];
            let needs_at = self.needs_at[i];
            for window in &windows[i] {
                let line = &text[window.clone()];
                // A password in a URL comes before an `@`: most lines with
                // `://` are links without one (`link = "https://..."`).
                if needs_at && memchr::memchr(b'@', line.as_bytes()).is_none() {
                    continue;
                }
                // These rules need a value assigned to a name: a line with
                // no `=` or `:` cannot match (most prose with "key" or
                // "token" in it).
                if assigned
                    && (memchr::memchr2(b'=', b':', line.as_bytes()).is_none()
                        || !has_assigned_value(line))
                {
                    continue;
                }
                if self.word_lines[i] && quoted_word_line(line) {
                    continue;
                }
                for caps in re.captures_iter(line) {
                    let m = match rule.secret_group {
                        0 => caps.iter().skip(1).flatten().next(),
                        g => caps.get(g),
                    }
                    .or_else(|| caps.get(0));
                    let Some(m) = m else { continue };
                    let secret = m.as_str();
                    if rule.entropy.is_some_and(|e| entropy(secret) < e)
                        || self.is_placeholder(secret, rule.id)
                    {
                        continue;
                    }
                    let span = window.start + m.start()..window.start + m.end();
                    if found
                        .iter()
                        .any(|f| f.span.start < span.end && span.start < f.span.end)
                    {
                        continue;
                    }
                    found.push(SecretFinding {
                        rule: rule.id,
                        description: rule.description,
                        span,
                    });
                }
            }
        }
        found.sort_by_key(|f| f.span.start);
        found
    }

    /// Whether `secret`, found by rule `rule`, is a stand-in rather than a
    /// credential.
    fn is_placeholder(&self, secret: &str, rule: &str) -> bool {
        let lower = secret.to_ascii_lowercase();
        if self.placeholders.iter().any(|p| p.is_match(secret))
            || STAND_INS.iter().any(|w| lower.contains(w))
            || secret.starts_with('<')
            || lower.contains("xxxx")
            || secret.contains("****")
        {
            return true;
        }
        if !GENERIC.contains(&rule) {
            return false;
        }
        let b = secret.as_bytes();
        is_hex_digest(secret)
            || is_uuid(secret)
            || b.iter().all(u8::is_ascii_digit)
            // An identifier (`enabled_for_all_users`) or a slug (a cause key
            // such as `k8s-upgrade-2024`), not a random string.
            || b.iter().all(|c| c.is_ascii_lowercase() || matches!(c, b'_' | b'-' | b'.'))
            || is_slug(secret)
            // gitleaks' first allowlist of its generic rule: letters only.
            || (matches!(rule, "generic-api-key" | "password-assignment")
                && b.iter().all(|c| c.is_ascii_alphabetic() || matches!(c, b'_' | b'-' | b'.')))
    }
}

/// Whether `line` is a name assigned a quoted plain word or slug, as a
/// lesson's front matter has many (`key = "stale-access-not-revoked"`):
/// `name = "value"` and nothing else, the value made of `[a-z0-9-]`, at
/// most 128 bytes, a slug or without digits. The two generic rules'
/// expressions can only take the whole value there (the `=` is the one
/// operator; blanks and quotes cannot start a value; the value runs to
/// the closing quote, up to their length limits) and then turn it down as
/// a stand-in (`Detector::is_placeholder`): the line is not searched. Over
/// 3,000 benchmark lessons, 4,797 of the 5,124 lines the generic
/// expression ran on were such lines.
fn quoted_word_line(line: &str) -> bool {
    let b = line.trim_end_matches([' ', '\t', '\r']).as_bytes();
    let b = &b[b.iter().take_while(|&&c| c == b' ' || c == b'\t').count()..];
    let name = b
        .iter()
        .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        .count();
    let rest = &b[name..];
    let rest = &rest[rest
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()..];
    let Some(rest) = rest.strip_prefix(b"=") else {
        return false;
    };
    let rest = &rest[rest
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()..];
    let Some(value) = rest.strip_prefix(b"\"").and_then(|r| r.strip_suffix(b"\"")) else {
        return false;
    };
    name > 0
        && !value.is_empty()
        && value.len() <= 128
        && value
            .iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && std::str::from_utf8(value)
            .is_ok_and(|v| is_slug(v) || !v.bytes().any(|c| c.is_ascii_digit()))
}

/// Whether `line` has what every rule of `ASSIGNED` needs after its
/// name: an operator (each of `=` `:` `>` `|` `,` ends one), at most five
/// quotes or white-space characters, then a value of at least 8 bytes with
/// no white space, quote, `;` or `,`. Most prose with "key" or "token" and a colon fails this
/// ("Key takeaway: the ...", "10:39"), so the expressions, a fifth of the
/// detector's time, run on far fewer lines. Every rule's value is at
/// least 8 characters of that class, so no secret is missed.
fn has_assigned_value(line: &str) -> bool {
    if line.is_ascii() {
        has_assigned_value_ascii(line.as_bytes())
    } else {
        has_assigned_value_chars(line)
    }
}

/// [`has_assigned_value`] on a line of ASCII, by byte: the usual line,
/// without decoding characters (char by char, this test cost about as
/// much as the expressions it spares).
fn has_assigned_value_ascii(line: &[u8]) -> bool {
    // `char::is_white_space` on ASCII: tab to carriage return, and space.
    let blank = |c: u8| matches!(c, b'\t'..=b'\r' | b' ' | b'\'' | b'"' | b'`');
    let stop = |c: u8| matches!(c, b'\t'..=b'\r' | b' ' | b'\'' | b'"' | b'`' | b';' | b',');
    line.iter().enumerate().any(|(at, &op)| {
        if !matches!(op, b'=' | b':' | b'>' | b'|' | b',') {
            return false;
        }
        let rest = &line[at + 1..];
        let start = rest.iter().take(5).take_while(|&&c| blank(c)).count();
        let value = &rest[start..];
        value.iter().position(|&c| stop(c)).unwrap_or(value.len()) >= 8
    })
}

/// [`has_assigned_value`] by character, as the expressions read: their
/// `\s` is Unicode white space (a no-break space pasted after a colon).
fn has_assigned_value_chars(line: &str) -> bool {
    let quote = |c: char| matches!(c, '\'' | '"' | '`');
    let stop = |c: char| c.is_whitespace() || quote(c) || matches!(c, ';' | ',');
    line.match_indices(['=', ':', '>', '|', ','])
        .any(|(at, op)| {
            let rest = &line[at + op.len()..];
            let start = rest
                .char_indices()
                .take(5)
                .find(|&(_, c)| !(c.is_whitespace() || quote(c)))
                .map_or_else(
                    || rest.char_indices().nth(5).map_or(rest.len(), |(i, _)| i),
                    |(i, _)| i,
                );
            let value = &rest[start..];
            value.find(stop).unwrap_or(value.len()) >= 8
        })
}

/// Sorts `list` and merges the windows that touch or overlap.
fn merge_windows(list: &mut Vec<Range<usize>>) {
    list.sort_unstable_by_key(|w| w.start);
    let mut merged: Vec<Range<usize>> = Vec::with_capacity(list.len());
    for w in list.drain(..) {
        match merged.last_mut() {
            Some(last) if last.end >= w.start => last.end = last.end.max(w.end),
            _ => merged.push(w),
        }
    }
    *list = merged;
}

/// gitleaks' patterns for a name assigned a value open with a lazy run of
/// name characters before the keyword (`my_api_key = ...` matches from
/// `my_`). In a search for the leftmost match, that run moves only where
/// a match starts: the first position where the rest matches is the same
/// with or without it, and so are the match's end and its groups. The
/// detector uses only the secret's group, so it searches these patterns
/// without the run, which is most of what the capture search walked over.
/// Only for rules whose secret group is a group of the whole pattern (not
/// one alternative of several); a test compares both forms.
const LAZY_PREFIX: &str = "(?i)[0-9A-Za-z_.-]{0,50}?";
const LAZY_PREFIX_DROPPED: &[&str] = &[
    "heroku-api-key",
    "mailgun-private-api-token",
    "mailchimp-api-key",
    "telegram-bot-api-token",
    "generic-api-key",
];

/// The pattern the detector searches for `rule` (see `LAZY_PREFIX`).
fn searched_pattern(rule: &SecretRule) -> std::borrow::Cow<'static, str> {
    match rule.regex.strip_prefix(LAZY_PREFIX) {
        Some(rest) if LAZY_PREFIX_DROPPED.contains(&rule.id) => format!("(?i){rest}").into(),
        _ => rule.regex.into(),
    }
}

/// Rules whose pattern is `scheme://user:password@host`: a line without
/// an `@` cannot match (the pattern's classes exclude white space, so the
/// `@` is on the line).
const NEEDS_AT: &[&str] = &["connection-string-password", "url-password"];

/// Rules whose pattern is a name, then `=` or `:`, then the value.
const ASSIGNED: &[&str] = &[
    "aws-secret-access-key",
    "heroku-api-key",
    "mailgun-private-api-token",
    "mailchimp-api-key",
    "telegram-bot-api-token",
    "password-assignment",
    "generic-api-key",
];

/// Rules whose keyword counts only in capitals, as their expression
/// wants it: Twilio's `SK` prefix, whose lowercase `sk` is in every "task",
/// "risk" and "disk" (over 100,000 generated lessons, the Twilio
/// expression ran over 86 MB of lines that could not match, most of the
/// time the expressions took).
const UPPERCASE_KEYWORD: &[&str] = &["twilio-api-key"];

/// Rules whose secret spans lines: searched from the line of their
/// keyword to the end of the text.
const MULTI_LINE: &[&str] = &["private-key"];

/// A lowercase slug of short words (`no-failover-runbook`,
/// `k8s-upgrade-2024`): how cause keys and ids look, not credentials.
fn is_slug(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.len() <= 12
                && p.bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

/// gitleaks' global allowlist of values that are not secrets (copied), and
/// templating forms.
const PLACEHOLDERS: &[&str] = &[
    r"(?i)^true|false|null$",
    r"^(?i:a+|b+|c+|d+|e+|f+|g+|h+|i+|j+|k+|l+|m+|n+|o+|p+|q+|r+|s+|t+|u+|v+|w+|x+|y+|z+|\*+|\.+)$",
    r"^\$(?:\d+|\{\d+\})$",
    r"^\$(?:[A-Z_]+|[a-z_]+)$",
    r"^\$\{(?:[A-Z_]+|[a-z_]+)\}$",
    r"^\{\{[ \t]*[\w ().|]+[ \t]*\}\}$",
    r"^%(?:[A-Z_]+|[a-z_]+)%$",
    r"\$\{[^}]*\}",
    r"\$\([^)]*\)",
    r"\{\{[^}]*\}\}",
];

/// Words that mark a value as a stand-in (documented example keys end in
/// EXAMPLE).
const STAND_INS: &[&str] = &[
    "example",
    "changeme",
    "change_me",
    "password",
    "redacted",
    "placeholder",
    "your_",
    "your-",
    "dummy",
    "sample",
    "<",
    "...",
    // gitleaks' global stopwords: a run of the alphabet or of digits.
    "abcdefgh",
    "12345678",
];

fn is_hex_digest(s: &str) -> bool {
    matches!(s.len(), 32 | 40 | 64 | 128) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// Shannon entropy of the characters of `s`, in bits per character.
pub fn entropy(s: &str) -> f32 {
    // Secrets are ASCII: count bytes in a table (a map per call was 3% of
    // a large check); other characters, rare, in a short list.
    let mut ascii = [0u32; 128];
    let mut other: Vec<(char, u32)> = Vec::new();
    let mut n = 0u32;
    for c in s.chars() {
        if c.is_ascii() {
            ascii[c as usize] += 1;
        } else if let Some(slot) = other.iter_mut().find(|(o, _)| *o == c) {
            slot.1 += 1;
        } else {
            other.push((c, 1));
        }
        n += 1;
    }
    if n == 0 {
        return 0.0;
    }
    let n = n as f32;
    ascii
        .iter()
        .copied()
        .chain(other.iter().map(|&(_, count)| count))
        .filter(|&count| count > 0)
        .map(|count| {
            let p = count as f32 / n;
            -p * p.log2()
        })
        .sum()
}

/// The rules, compiled on first use.
pub fn detector() -> &'static Detector {
    static DETECTOR: OnceLock<Detector> = OnceLock::new();
    DETECTOR.get_or_init(Detector::new)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The per-rule lists name rules of the table; `NEEDS_AT` only rules
    /// whose pattern has an `@` outside any class.
    #[test]
    fn the_rule_lists_name_rules() {
        for list in [UPPERCASE_KEYWORD, MULTI_LINE, ASSIGNED, NEEDS_AT, GENERIC] {
            for id in list {
                assert!(RULES.iter().any(|r| r.id == *id), "{id} is not a rule");
            }
        }
        for id in NEEDS_AT {
            let rule = RULES.iter().find(|r| r.id == *id).expect("a rule");
            assert!(rule.regex.contains(")@["), "{id}: {}", rule.regex);
            assert!(rule.examples.iter().all(|e| e.contains('@')), "{id}");
        }
    }

    /// Without its lazy leading run, a pattern finds the same secrets at
    /// the same places and ends its matches at the same places, on every
    /// example, near-miss and prose line of the table.
    #[test]
    fn a_dropped_lazy_prefix_changes_no_secret() {
        let texts: Vec<String> = RULES
            .iter()
            .flat_map(|r| r.examples.iter().chain(r.near_misses))
            .map(|t| (*t).to_string())
            .chain([
                "my_api_key = 'Zx8q2LmN4pR7tV9wYb3c'".to_string(),
                "prefix_prefix_prefix_prefix_prefix_prefix_prefix_prefix_token: Zx8q2LmN4pR7tV9wYb3c".to_string(),
                "key = \"escalation-path-unknown\", auth_token=Zx8q2LmN4pR7tV9wYb3c; x.api.key => \"Aa1Bb2Cc3Dd4Ee5\"".to_string(),
                "HEROKU_API_KEY=d6287c61-e395-555f-b8f4-df40483d06d9 heroku_key: 01234567-89ab-cdef-0123-456789abcdef".to_string(),
            ])
            .collect();
        for id in LAZY_PREFIX_DROPPED {
            let rule = RULES.iter().find(|r| r.id == *id).expect("a rule");
            assert!(rule.regex.starts_with(LAZY_PREFIX), "{id}");
            assert_ne!(rule.secret_group, 0, "{id}");
            let whole = Regex::new(rule.regex).expect("pattern");
            let searched = Regex::new(&searched_pattern(rule)).expect("pattern");
            assert_ne!(whole.as_str(), searched.as_str(), "{id}");
            let found = |re: &Regex, text: &str| -> Vec<_> {
                re.captures_iter(text)
                    .map(|c| {
                        (
                            c.get(0).map(|m| m.end()),
                            c.get(rule.secret_group).map(|m| m.range()),
                        )
                    })
                    .collect()
            };
            for text in &texts {
                assert_eq!(found(&whole, text), found(&searched, text), "{id}: {text}");
            }
        }
    }

    /// A rule whose keywords are in different searches gets its lines in
    /// order, each once.
    #[test]
    fn a_rules_lines_from_several_searches_are_in_order_and_merged() {
        let d = detector();
        let rule = RULES
            .iter()
            .position(|r| r.id == "atlassian-api-token")
            .expect("a rule");
        // `atatt3` is searched with the keywords that have a digit, `jira`
        // with the alphabetic ones, after it.
        let text = "ATATT3 here\njira there\nJira and atatt3 together\n";
        assert_eq!(d.windows(text)[rule], vec![0..11, 12..22, 23..47]);
    }

    /// Every line with a rule's keyword, found by a plain search for each
    /// keyword at every position (overlaps included): what the keyword
    /// searches must give.
    fn windows_by_every_keyword(text: &str) -> Vec<Vec<Range<usize>>> {
        let (bytes, lower) = (text.as_bytes(), text.to_ascii_lowercase());
        let mut windows: Vec<Vec<Range<usize>>> = vec![Vec::new(); RULES.len()];
        for (i, rule) in RULES.iter().enumerate() {
            for k in rule.keywords {
                let (haystack, needle) = if UPPERCASE_KEYWORD.contains(&rule.id) {
                    (bytes, k.to_ascii_uppercase())
                } else {
                    (lower.as_bytes(), (*k).to_string())
                };
                for at in memchr::memmem::find_iter(haystack, needle.as_bytes()) {
                    let start = memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
                    let after = at + needle.len();
                    let end = if MULTI_LINE.contains(&rule.id) {
                        text.len()
                    } else {
                        memchr::memchr(b'\n', &bytes[after..]).map_or(text.len(), |i| after + i)
                    };
                    windows[i].push(start..end);
                }
            }
            merge_windows(&mut windows[i]);
        }
        windows
    }

    /// A keyword that starts inside another's match and ends after it
    /// still brings its rule to the line (the searches report no
    /// overlapping matches).
    #[test]
    fn a_keyword_overlapping_an_earlier_one_is_seen() {
        let d = detector();
        for (text, rule) in [
            (
                "OPENAI=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",
                "openai-api-key",
            ),
            (
                "SECRETELEGRAM=3831006329:AGjEQ9B88rPCt_aJz-maVQPY-spBqPvoXIs",
                "telegram-bot-api-token",
            ),
            (
                "xappypi-AgEIcHlwaS5vcmc4KzlA5baSk30loWfCodQVPsWeuqKngiqDU8CP70z0oFaIKxIOF8W2whyeTYLsEwnq_1hBj",
                "pypi-upload-token",
            ),
            (
                "AKIAtlassian = dff0iulwlvijkgeg2hmlb8d4",
                "atlassian-api-token",
            ),
            (
                "xoxp-----BEGIN RSA PRIVATE KEY-----\n7OPtt38xsPJELRAHo+5urXOr/BfZbgg+gTjS0BeqhLluoquum5Y7K5+1vMV7Tp4M\n-----END RSA PRIVATE KEY-----",
                "private-key",
            ),
        ] {
            assert_eq!(d.windows(text), windows_by_every_keyword(text), "{text}");
            let found: Vec<&str> = d.find(text).iter().map(|f| f.rule).collect();
            assert!(found.contains(&rule), "{rule} in {text}: {found:?}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]

        /// Keywords and their ends run together in any case, with or without
        /// a byte between them: the searches give a rule the lines a search for
        /// each keyword at every position gives it.
        #[test]
        fn the_keyword_searches_miss_no_keyword(
            pieces in proptest::collection::vec(
                (0..RULES.len(), 0..8usize, 0..3usize, 0..8usize, proptest::sample::select(vec!["", "", "", "-", "_", " ", "\n", "a", "="])),
                1..8,
            ),
        ) {
            let mut text = String::new();
            for (rule, keyword, case, skip, gap) in pieces {
                let keywords = RULES[rule].keywords;
                let k = keywords[keyword % keywords.len()];
                // Now and then the keyword without its first bytes: the
                // end of the piece before makes them up in some other
                // keyword's overlap (`atatt3` + `blbkfj`).
                let k = k.get(skip.min(k.len() - 1)..).filter(|_| skip < 4).unwrap_or(k);
                text += &match case {
                    0 => k.to_string(),
                    1 => k.to_ascii_uppercase(),
                    _ => k.char_indices().map(|(i, c)| if i % 2 == 0 { c.to_ascii_uppercase() } else { c }).collect(),
                };
                text += gap;
            }
            proptest::prop_assert_eq!(detector().windows(&text), windows_by_every_keyword(&text), "{:?}", text);
        }
    }

    /// Each rule finds every one of its examples, under its own id.
    #[test]
    fn every_rule_finds_its_examples() {
        let d = detector();
        let mut failures = Vec::new();
        for rule in RULES {
            assert!(!rule.examples.is_empty(), "{} has no example", rule.id);
            for example in rule.examples {
                let found = d.find(example);
                if !found.iter().any(|f| f.rule == rule.id) {
                    failures.push(format!(
                        "{}: not found in {example:?} (found {found:?})",
                        rule.id
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// No rule fires on any rule's near-misses.
    #[test]
    fn no_rule_fires_on_a_near_miss() {
        let d = detector();
        let mut failures = Vec::new();
        for rule in RULES {
            assert!(!rule.near_misses.is_empty(), "{} has no near-miss", rule.id);
            for near in rule.near_misses {
                let found = d.find(near);
                if !found.is_empty() {
                    failures.push(format!("{}: {near:?} gave {found:?}", rule.id));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn at_least_forty_credential_types_with_unique_ids() {
        assert!(RULES.len() >= 40, "{} rules", RULES.len());
        let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), RULES.len(), "duplicate rule ids");
        for rule in RULES {
            for k in rule.keywords {
                assert_eq!(
                    *k,
                    k.to_ascii_lowercase(),
                    "{}: keywords are lowercase",
                    rule.id
                );
            }
        }
    }

    #[test]
    fn incident_prose_is_not_a_secret() {
        let prose = "The token was rotated at 10:39 after the key leaked; the password \
            reset page and the secret store were checked. Commit 3f5e2a9c1b7d8e6f0a4b2c9d8e7f6a5b4c3d2e1f \
            fixed the access control list. Request id 550e8400-e29b-41d4-a716-446655440000.";
        assert_eq!(detector().find(prose), vec![]);
        // The lesson format's own fields: cause keys (even mistyped ones),
        // ids and systems.
        let front = "key = \"k8s-upgrade-2024\"\nkey = \"Legacy_Cruft\"\n\
            id = \"LL-2024-001\"\naddresses = [\"no-failover-runbook\"]\n";
        assert_eq!(detector().find(front), vec![]);
    }

    /// The detector without the quoted-word test.
    fn without_word_test() -> &'static Detector {
        static PLAIN: OnceLock<Detector> = OnceLock::new();
        PLAIN.get_or_init(|| {
            let mut plain = Detector::new();
            plain.word_lines = vec![false; RULES.len()];
            plain
        })
    }

    /// A slug longer than the password expression's 128 characters: it
    /// takes the first 128, which end at a `-` and are no slug; the line is
    /// searched, and the value found.
    #[test]
    fn a_long_slug_is_searched() {
        let alphabet = b"abcdefghijklmnopqrstuvwxyz0123456789";
        let part = |i: usize| -> String {
            (0..3)
                .map(|k| char::from(alphabet[(i * 7 + k * 13 + i * k) % alphabet.len()]))
                .collect()
        };
        let value: Vec<String> = (0..40).map(part).collect();
        let line = format!("password = \"{}\"", value.join("-"));
        assert!(!quoted_word_line(&line));
        let found = detector().find(&line);
        assert_eq!(found, without_word_test().find(&line));
        assert_eq!(found.len(), 1, "{line}");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(3000))]
        /// Lines of a name assigned a quoted word are turned down only
        /// where the expressions would turn down what they find.
        #[test]
        fn quoted_word_lines_hide_no_secret(
            (lead, name, gap, value, tail, noise) in (
                proptest::sample::select(vec!["", " ", "\t", "x "]),
                proptest::sample::select(vec!["key", "api_key", "token", "db_password", "secret", "access_key", "Key", "k"]),
                proptest::sample::select(vec!["=", " = ", "\t=\t", " == ", ": ", " =\"", " = '"]),
                proptest::collection::vec(
                    proptest::sample::select(vec![
                        "stale", "-", "access", "k8s", "2024", "k9x2m4q7w1z8", "zq3v9x2w8r", "a7",
                        "abcdefghijklm", "Q", ".", "_", "+", "0", "x", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                    ]),
                    1..8,
                ),
                proptest::sample::select(vec!["\"", "\" ", "\"\r", "\"x", "'", ""]),
                proptest::collection::vec(
                    proptest::sample::select(vec![" ", "=", "\"", "-", "secret", "k9x2m4q7w1z8"]),
                    0..3,
                ),
            )
        ) {
            let line = format!("{lead}{name}{gap}\"{}{tail}{}", value.concat(), noise.concat());
            proptest::prop_assert_eq!(
                detector().find(&line),
                without_word_test().find(&line),
                "{:?}", line
            );
        }
    }

    proptest::proptest! {
        /// The byte test of an ASCII line is the character test.
        #[test]
        fn an_assigned_value_by_byte_is_by_character(
            pieces in proptest::collection::vec(
                proptest::sample::select(vec![
                    "=", ":", ">", "|", ",", ";", " ", "  ", "\t", "\x0b", "\x0c", "\r",
                    "'", "\"", "`", "ab", "abcdefg", "abcdefgh", "x1-_.", "key",
                ]),
                0..16,
            )
        ) {
            let line = pieces.concat();
            proptest::prop_assert_eq!(
                has_assigned_value_ascii(line.as_bytes()),
                has_assigned_value_chars(&line),
                "{:?}", line
            );
        }
    }

    #[test]
    fn an_assigned_value_needs_an_operator_and_eight_bytes() {
        for yes in [
            "password = hunter2hunter2",
            "api_key: \"sk3kd93kd0\"",
            "token => 'abcdefgh'",
            "auth_token,  `12345678`",
            "x || ABCDEFGH",
            "key=\" = 'abcdefghij",
            // Unicode white space, as the expressions' `\s` reads it.
            "password:\u{a0}\"Xk29fLq8Zr7Tn3Vw\"",
            "password =\u{0b} Xk29fLq8Zr7Tn3Vw",
            "db_password:\u{2003}'Xk29fLq8Zr7Tn3Vw'",
            "token = 'é2345678'",
        ] {
            assert!(has_assigned_value(yes), "{yes:?}");
        }
        for no in [
            "Key takeaway: the team paged",
            "- 10:39 the key was rotated",
            "**Owner:** team-platform",
            "token = short",
            "password = ab;cdefghij",
            "the secret, rotated",
            "token:      abcdefghij",
        ] {
            assert!(!has_assigned_value(no), "{no:?}");
        }
        // And the detector finds what the expression finds behind them.
        for pasted in [
            "password:\u{a0}\"Xk29fLq8Zr7Tn3Vw\"",
            "password=\u{a0} Xk29fLq8Zr7Tn3Vw",
            "password =\u{0b} Xk29fLq8Zr7Tn3Vw",
            "db_password:\u{2003}'Xk29fLq8Zr7Tn3Vw'",
        ] {
            let found = detector().find(pasted);
            assert_eq!(found.len(), 1, "{pasted:?}");
            assert_eq!(&pasted[found[0].span.clone()], "Xk29fLq8Zr7Tn3Vw");
        }
    }

    #[test]
    fn entropy_of_simple_strings() {
        assert_eq!(entropy("aaaa"), 0.0);
        assert!((entropy("ab") - 1.0).abs() < 1e-6);
        assert!((entropy("aé") - 1.0).abs() < 1e-6);
        assert!((entropy("aéaé") - 1.0).abs() < 1e-6);
        assert!((entropy("abcd") - 2.0).abs() < 1e-6);
        assert_eq!(entropy(""), 0.0);
    }
}

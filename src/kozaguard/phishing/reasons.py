"""Reason codes: why a URL got its verdict. Stable snake_case strings, each with its weight.

Each code is documented once, in docs/phishing.md ("Reason codes"); a test checks that every code
here is documented there. Weights add up to the score (capped below 1): brand evidence says *which*
brand is imitated, context says *how phishy* the place is. Only the strongest piece of brand
evidence counts in full; further brand evidence adds a fifth of its weight.
"""

from __future__ import annotations

from typing import Final

# Brand evidence: the URL names or imitates a brand.
OFFICIAL_HOST_EMBEDDED: Final = "official_host_embedded"
BRAND_TOKEN: Final = "brand_token"
BRAND_HOMOGLYPH: Final = "brand_homoglyph"
BRAND_TYPO: Final = "brand_typo"
BRAND_TYPOSQUAT_DOMAIN: Final = "brand_typosquat_domain"
BRAND_DOMAIN_LABEL: Final = "brand_domain_label"
WEAK_BRAND_TOKEN: Final = "weak_brand_token"
BRAND_JAPANESE: Final = "brand_japanese"
BRAND_IN_USERINFO: Final = "brand_in_userinfo"
OFFICIAL_HOST_IN_PATH: Final = "official_host_in_path"
BRAND_IN_PATH: Final = "brand_in_path"
BRAND_LOGIN_PATH: Final = "brand_login_path"
BRAND_QUERY_PARAM: Final = "brand_query_param"
WEAK_BRAND_LABEL: Final = "weak_brand_label"
BRAND_GLUED_LABEL: Final = "brand_glued_label"
# Brand evidence from campaign memory (see kozaguard.phishing.campaigns).
CAMPAIGN_DOMAIN: Final = "campaign_domain"
CAMPAIGN_KIT: Final = "campaign_kit"
CAMPAIGN_PATH_TOKEN: Final = "campaign_path_token"
# Brand evidence from a saved page (see kozaguard.phishing.pages).
PAGE_TITLE_BRAND: Final = "page_title_brand"
PAGE_LOGO_ALT: Final = "page_logo_alt"
PAGE_TEXT_BRAND: Final = "page_text_brand"
PAGE_OFFICIAL_RESOURCES: Final = "page_official_resources"

# Context: where and how the page is hosted.
ABUSED_HOSTING: Final = "abused_hosting"
DYNAMIC_DNS: Final = "dynamic_dns"
TRANSLATION_PROXY: Final = "translation_proxy"
CHEAP_TLD: Final = "cheap_tld"
RANDOM_LABEL: Final = "random_label"
PHISHING_KEYWORD: Final = "phishing_keyword"
NUMBERED_LABEL: Final = "numbered_label"
DEEP_SUBDOMAIN: Final = "deep_subdomain"
PUNYCODE_HOST: Final = "punycode_host"
MIXED_SCRIPT: Final = "mixed_script"
IP_HOST: Final = "ip_host"
USERINFO_IN_URL: Final = "userinfo_in_url"
LOGIN_PATH_WORDS: Final = "login_path_words"
OFFICIAL_SUFFIX_FRAGMENT: Final = "official_suffix_fragment"
SMS_LURE_SHAPE: Final = "sms_lure_shape"
BRAND_PAGE_NAME: Final = "brand_page_name"
KIT_HOST_SHAPE: Final = "kit_host_shape"
PASSWORD_FORM: Final = "password_form"
FORM_POSTS_ELSEWHERE: Final = "form_posts_elsewhere"

# Official: never flagged.
OFFICIAL_DOMAIN: Final = "official_domain"
BRAND_GROUP_DOMAIN: Final = "brand_group_domain"

#: Weight of each code in the score.
WEIGHTS: Final[dict[str, float]] = {
    OFFICIAL_HOST_EMBEDDED: 0.8,
    BRAND_HOMOGLYPH: 0.65,
    BRAND_TOKEN: 0.6,
    BRAND_TYPOSQUAT_DOMAIN: 0.6,
    BRAND_JAPANESE: 0.6,
    BRAND_TYPO: 0.5,
    BRAND_IN_USERINFO: 0.5,
    BRAND_DOMAIN_LABEL: 0.45,
    OFFICIAL_HOST_IN_PATH: 0.45,
    BRAND_IN_PATH: 0.3,
    BRAND_LOGIN_PATH: 0.3,
    BRAND_QUERY_PARAM: 0.45,
    WEAK_BRAND_LABEL: 0.4,
    BRAND_GLUED_LABEL: 0.3,
    CAMPAIGN_DOMAIN: 0.6,
    CAMPAIGN_KIT: 0.6,
    CAMPAIGN_PATH_TOKEN: 0.5,
    PAGE_TITLE_BRAND: 0.4,
    PAGE_LOGO_ALT: 0.4,
    PAGE_TEXT_BRAND: 0.3,
    PAGE_OFFICIAL_RESOURCES: 0.3,
    WEAK_BRAND_TOKEN: 0.3,
    DYNAMIC_DNS: 0.25,
    MIXED_SCRIPT: 0.25,
    ABUSED_HOSTING: 0.2,
    TRANSLATION_PROXY: 0.2,
    IP_HOST: 0.2,
    USERINFO_IN_URL: 0.15,
    CHEAP_TLD: 0.15,
    RANDOM_LABEL: 0.15,
    PHISHING_KEYWORD: 0.15,
    NUMBERED_LABEL: 0.1,
    DEEP_SUBDOMAIN: 0.1,
    PUNYCODE_HOST: 0.1,
    LOGIN_PATH_WORDS: 0.1,
    OFFICIAL_SUFFIX_FRAGMENT: 0.15,
    SMS_LURE_SHAPE: 0.3,
    BRAND_PAGE_NAME: 0.1,
    KIT_HOST_SHAPE: 0.45,
    PASSWORD_FORM: 0.2,
    FORM_POSTS_ELSEWHERE: 0.2,
    OFFICIAL_DOMAIN: 0.0,
    BRAND_GROUP_DOMAIN: 0.0,
}

#: Codes that name a brand (the rest describe the place).
BRAND_EVIDENCE: Final = frozenset(
    {
        OFFICIAL_HOST_EMBEDDED,
        BRAND_TOKEN,
        BRAND_HOMOGLYPH,
        BRAND_TYPO,
        BRAND_TYPOSQUAT_DOMAIN,
        BRAND_DOMAIN_LABEL,
        WEAK_BRAND_TOKEN,
        BRAND_JAPANESE,
        BRAND_IN_USERINFO,
        OFFICIAL_HOST_IN_PATH,
        BRAND_IN_PATH,
        BRAND_LOGIN_PATH,
        BRAND_QUERY_PARAM,
        WEAK_BRAND_LABEL,
        BRAND_GLUED_LABEL,
        CAMPAIGN_DOMAIN,
        CAMPAIGN_KIT,
        CAMPAIGN_PATH_TOKEN,
        PAGE_TITLE_BRAND,
        PAGE_LOGO_ALT,
        PAGE_TEXT_BRAND,
        PAGE_OFFICIAL_RESOURCES,
    }
)

#: Brand evidence read from a saved page: it makes ``impersonation`` only with a password form.
PAGE_EVIDENCE: Final = frozenset({PAGE_TITLE_BRAND, PAGE_LOGO_ALT, PAGE_TEXT_BRAND, PAGE_OFFICIAL_RESOURCES})

#: Brand evidence read from the path, query or userinfo (the rest is read from the host).
PATH_EVIDENCE: Final = frozenset(
    {BRAND_IN_USERINFO, OFFICIAL_HOST_IN_PATH, BRAND_IN_PATH, BRAND_LOGIN_PATH, BRAND_QUERY_PARAM}
    | PAGE_EVIDENCE
)

#: Brand evidence of a common or short brand word: its login page alone does not corroborate it.
COMMON_WORD_EVIDENCE: Final = frozenset({WEAK_BRAND_TOKEN, BRAND_GLUED_LABEL})

#: Signs of a credential page. A brand named in the host together with any of them, or two
#: different pieces of brand evidence, make ``impersonation``.
LOGIN_SIGNS: Final = frozenset(
    {
        BRAND_LOGIN_PATH,
        BRAND_QUERY_PARAM,
        LOGIN_PATH_WORDS,
        PHISHING_KEYWORD,
        OFFICIAL_SUFFIX_FRAGMENT,
        SMS_LURE_SHAPE,
    }
)

#: Score at or above which a URL naming a brand is ``impersonation``.
IMPERSONATION_AT: Final = 0.6
#: Score at or above which a URL naming a brand is ``suspicious``.
SUSPICIOUS_AT: Final = 0.35
#: Score at or above which a URL naming no brand is ``suspicious`` (context alone: three signals).
SUSPICIOUS_WITHOUT_BRAND_AT: Final = 0.45

/*
 * catalog.h - the catalog and policy as the engine holds them in memory.
 *
 * A catalog is one version of the folder of SPEC 4: the policy (code
 * formats, schemes, groups, benefit rules with their bands), the three item
 * catalogs, single-disease rows, hospitals and budgets. Members are not part
 * of it: they live in the registry (members.c) and are upserted.
 *
 * Ownership: an adj_catalog owns everything it points to: strings live in
 * its arena, compiled patterns in its pattern cache (one compile per
 * distinct source text), arrays are malloc'ed. It is built either from a
 * folder (catalog_read.c, with full validation) or from the database
 * (catalog_store.c) and is read-only afterwards.
 *
 * Conventions: an absent money limit is -1, an absent tier 0, an absent age
 * -1, an open date ADJ_DATE_NONE.
 */
#ifndef ADJ_CATALOG_CATALOG_H
#define ADJ_CATALOG_CATALOG_H

#include <stdbool.h>
#include <stdint.h>

#include "adjudicator.h"
#include "util/arena.h"
#include "util/date.h"
#include "util/num.h"
#include "util/pattern.h"

typedef enum { ADJ_FILE_DRUG, ADJ_FILE_TREATMENT, ADJ_FILE_FACILITY, ADJ_FILE_COUNT } adj_item_file;
typedef enum { ADJ_CLASS_EXAM, ADJ_CLASS_DRUG_MATERIAL, ADJ_CLASS_LABOR, ADJ_CLASS_COUNT } adj_cost_class;
typedef enum { ADJ_COV_A, ADJ_COV_B, ADJ_COV_X } adj_coverage;
typedef enum {
	ADJ_FMT_DRUG,
	ADJ_FMT_SERVICE,
	ADJ_FMT_MATERIAL,
	ADJ_FMT_DIAGNOSIS,
	ADJ_FMT_PROCEDURE,
	ADJ_FMT_HOSPITAL,
	ADJ_FMT_COUNT
} adj_format_kind;
typedef enum {
	ADJ_CT_INPATIENT,
	ADJ_CT_SPECIAL_OUTPATIENT,
	ADJ_CT_OUTPATIENT,
	ADJ_CT_COUNT
} adj_claim_type;
typedef enum { ADJ_BASIS_ADMISSION, ADJ_BASIS_YEAR } adj_deductible_basis;
typedef enum { ADJ_SETTLE_FFS, ADJ_SETTLE_GLOBAL_BUDGET } adj_settlement;

/* Names of the enums as they are written in files (index = value). */
extern const char *const adj_item_file_name[ADJ_FILE_COUNT];   /* drugs.csv ... */
extern const char *const adj_cost_class_name[ADJ_CLASS_COUNT]; /* exam ... */
extern const char *const adj_format_kind_name[ADJ_FMT_COUNT];  /* drug ... */
extern const char *const adj_claim_type_name[ADJ_CT_COUNT];    /* inpatient ... */

typedef struct adj_item {
	int64_t row_id; /* item.id in the database; 0 before it is stored */
	const char *code, *name;
	uint8_t file, cls, coverage;
	adj_bp first_pay;          /* B only, else 0 */
	adj_fen price[3];          /* highest unit price at tiers 1..3, -1 none */
	adj_fen cap;               /* reimbursement cap or facility standard, -1 none */
	adj_milli max_daily;       /* -1 none */
	int8_t min_tier;           /* 0 any */
	const char *diagnosis;     /* NULL any */
	const adj_pattern *diag_re;
	char sex;                  /* 'M', 'F' or 0 */
	int16_t min_age, max_age;  /* -1 none */
	adj_date valid_from, valid_to;
	long line;
} adj_item;

typedef struct adj_group {
	const char *scheme;
	int year;
	const char *code;
	adj_fen pool_cap;
	bool has_relief, has_assist;
	adj_bp relief_bp, assist_bp;
	adj_fen relief_cap, assist_cap;
	long line;
} adj_group;

typedef struct adj_band {
	adj_fen upto; /* -1 for the last, open band */
	adj_bp bp;
} adj_band;

typedef struct adj_benefit {
	int64_t row_id;
	const char *scheme;
	int year;
	uint8_t claim_type;
	const char *category; /* a token or "*" */
	int8_t tier;          /* 1..3, 0 for "*" */
	const char *group_code;
	size_t group;         /* index into adj_policy.groups */
	uint8_t basis;
	adj_fen deductible, repeat_deductible;
	adj_band *bands;
	size_t nbands;
	long line;
} adj_benefit;

typedef struct adj_scheme {
	const char *code, *name;
	long line;
} adj_scheme;

typedef struct adj_policy {
	const char *format_src[ADJ_FMT_COUNT];
	const adj_pattern *format[ADJ_FMT_COUNT];
	adj_scheme *schemes;
	size_t nschemes, schemes_cap;
	adj_group *groups;
	size_t ngroups, groups_cap;
	adj_benefit *benefits;
	size_t nbenefits, benefits_cap;
} adj_policy;

typedef struct adj_single_disease {
	int64_t row_id;
	const char *code, *name;
	const char *diagnosis, *procedure; /* procedure NULL: any */
	const adj_pattern *diag_re, *proc_re;
	int8_t tier;
	adj_fen standard;
	int32_t max_stay; /* -1 none */
	adj_date valid_from, valid_to;
	long line;
} adj_single_disease;

typedef struct adj_hospital {
	const char *code, *name;
	int8_t tier;
	const char *schemes; /* "*" or "A;B;C" as written */
	adj_date designated_from, designated_to;
	uint8_t settlement;
	bool single_disease;
	long line;
} adj_hospital;

typedef struct adj_budget {
	const char *hospital;
	int year;
	adj_fen budget;
	adj_bp surplus_retain, overrun_share, overrun_limit;
	long line;
} adj_budget;

typedef struct adj_pattern_cache adj_pattern_cache;

typedef struct adj_catalog {
	adj_arena arena;
	adj_pattern_cache *patterns;
	adj_policy policy;
	adj_item *items;
	size_t nitems, items_cap;
	adj_single_disease *sd;
	size_t nsd, sd_cap;
	adj_hospital *hospitals;
	size_t nhospitals, hospitals_cap;
	adj_budget *budgets;
	size_t nbudgets, budgets_cap;
	long file_rows[ADJ_FILE_COUNT];
	char digest[65]; /* SHA-256 of the canonical content */
	long version;    /* database version, 0 when read from a folder */
	bool policy_readable; /* schemes were read: members can be checked */
} adj_catalog;

/* An empty catalog ready to be filled. */
int adj_catalog_new(adj_catalog **out);
void adj_catalog_free(adj_catalog *cat);

/* Compile (or find already compiled) the pattern src of n bytes. Returns
 * NULL and writes a message into err when it does not compile or is not
 * tame (adj_pattern_is_tame). */
const adj_pattern *adj_catalog_pattern(adj_catalog *cat, const char *src, size_t n,
                                       char *err, size_t errlen);

/* Copy a string into the catalog's arena. */
const char *adj_catalog_str(adj_catalog *cat, const char *s, size_t n);

/*
 * Read and validate the folder dir into a new catalog (SPEC 4.1-4.4, without
 * members.csv). Every problem goes into diags, named by the file's base
 * name. Returns 0, ADJ_EDATA or ADJ_ENOINPUT (a file missing) with *out set
 * to what could be read (the caller frees it; only a 0 return makes it
 * usable), or a system error with *out NULL.
 */
int adj_catalog_read_dir(adj_catalog **out, const char *dir, adj_diags *diags);

/* Parse policy.xml at path into cat->policy (validating it); display names
 * the file in diags. */
int adj_policy_read(adj_catalog *cat, const char *path, const char *display, adj_diags *diags);

/* Look-ups on a validated catalog. */
const adj_scheme *adj_policy_scheme(const adj_policy *p, const char *code);
const adj_hospital *adj_catalog_hospital(const adj_catalog *cat, const char *code);

/* True when some benefit of scheme names category, or scheme has a "*"
 * benefit (SPEC 4.4). */
bool adj_policy_category_known(const adj_policy *p, const char *scheme, const char *category);

#endif

/*
 * resident_id.c - GB 11643 validation: format, birth date, mod 11-2.
 */
#include "resident_id.h"

#include <string.h>

char
adj_rid_check_char(const char *first17)
{
	static const int weight[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
	static const char map[] = "10X98765432";
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (first17[i] - '0') * weight[i];
	return map[sum % 11];
}

adj_rid_status
adj_rid_check(const char *s, size_t n, adj_rid *out)
{
	if (n != ADJ_RID_LEN || s[0] < '1' || s[0] > '9')
		return ADJ_RID_BAD_FORMAT;
	for (int i = 1; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			return ADJ_RID_BAD_FORMAT;
	char check = s[17] == 'x' ? 'X' : s[17];
	if (!((check >= '0' && check <= '9') || check == 'X'))
		return ADJ_RID_BAD_FORMAT;

	int y = 0, m = 0, d = 0;
	for (int i = 6; i < 10; i++)
		y = y * 10 + (s[i] - '0');
	m = (s[10] - '0') * 10 + (s[11] - '0');
	d = (s[12] - '0') * 10 + (s[13] - '0');
	if (y < 1900 || !adj_date_valid(y, m, d))
		return ADJ_RID_BAD_BIRTH;
	if (adj_rid_check_char(s) != check)
		return ADJ_RID_BAD_CHECK;
	if (out) {
		memcpy(out->id, s, 17);
		out->id[17] = check;
		out->id[18] = '\0';
		out->birth = adj_date_from_ymd(y, m, d);
		out->sex = ((s[16] - '0') % 2) ? 'M' : 'F';
	}
	return ADJ_RID_OK;
}

const char *
adj_rid_status_text(adj_rid_status st)
{
	switch (st) {
	case ADJ_RID_OK:
		return "valid";
	case ADJ_RID_BAD_FORMAT:
		return "not a resident ID (17 digits, the first not 0, then 0-9 or X)";
	case ADJ_RID_BAD_BIRTH:
		return "digits 7-14 are not a real birth date in 1900 or later";
	case ADJ_RID_BAD_CHECK:
		return "wrong check character (GB 11643 mod 11-2)";
	}
	return "?";
}

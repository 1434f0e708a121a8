/*
 * reasons.c - the registry table. Append only: add a code at the end of its
 * group, never change what an existing code means.
 */
#include "reasons.h"

#include <string.h>

const adj_reason_info adj_reasons[ADJ_R_COUNT] = {
	[ADJ_R_B01] = {"B01", "批次文件格式错误、编码错误、含DOCTYPE或超出大小限制",
	               "batch not well-formed, badly encoded, has a DOCTYPE or breaks a size limit", ""},
	[ADJ_R_B02] = {"B02", "批次根元素或批次头无效", "batch root or header invalid", ""},
	[ADJ_R_B03] = {"B03", "医疗机构未知", "hospital unknown", ""},
	[ADJ_R_B04] = {"B04", "该批次号已结算", "batch id already adjudicated for this hospital", ""},
	[ADJ_R_C01] = {"C01", "单据格式错误", "malformed claim", "rejected"},
	[ADJ_R_C02] = {"C02", "参保人身份证号无效", "member id invalid", "rejected"},
	[ADJ_R_C03] = {"C03", "参保人未知", "member unknown", "rejected"},
	[ADJ_R_C04] = {"C04", "就诊日未参保", "not enrolled on the service date", "rejected"},
	[ADJ_R_C05] = {"C05", "欠缴医疗保险费", "contributions in arrears", "rejected"},
	[ADJ_R_C06] = {"C06", "非该险种定点医疗机构", "hospital not designated on the service date or for the member's scheme", "rejected"},
	[ADJ_R_C07] = {"C07", "单据号重复", "claim id already used for this hospital", "rejected"},
	[ADJ_R_C08] = {"C08", "住院时间与其他住院重叠", "stay overlaps another inpatient claim of the member", "rejected"},
	[ADJ_R_C09] = {"C09", "被冲销或被替换的单据无效", "claim to void or replace is unknown, not of this hospital, a void request, already voided, or of another member", "rejected"},
	[ADJ_R_C10] = {"C10", "无适用的待遇规则", "no benefit rule for the scheme, year and claim type", "rejected"},
	[ADJ_R_C11] = {"C11", "诊断或手术编码错误", "no primary diagnosis or several, or a diagnosis or procedure code of no format", "rejected"},
	[ADJ_R_C12] = {"C12", "全部明细被拒付", "every item is rejected", "rejected"},
	[ADJ_R_C13] = {"C13", "金额计算溢出", "arithmetic overflow", "rejected"},
	[ADJ_R_L01] = {"L01", "项目编码格式错误", "item code matches no code format", "rejected"},
	[ADJ_R_L02] = {"L02", "金额不等于数量乘单价", "amount is not quantity times price", "rejected"},
	[ADJ_R_L03] = {"L03", "项目日期不在住院期间或非就诊日", "date outside the stay or not the visit date", "rejected"},
	[ADJ_R_L04] = {"L04", "重复收费", "duplicate of an earlier line", "rejected"},
	[ADJ_R_L05] = {"L05", "超过医院等级最高限价", "unit price above the tier's price limit", "rejected"},
	[ADJ_R_L06] = {"L06", "超过每日限量", "quantity above the daily maximum", "rejected"},
	[ADJ_R_L11] = {"L11", "目录外项目，全自费", "not in the catalog: self-pay", "self-pay"},
	[ADJ_R_L12] = {"L12", "丙类项目，全自费", "excluded item (class X): self-pay", "self-pay"},
	[ADJ_R_L13] = {"L13", "医院等级低于项目限定等级，全自费", "hospital tier below the item's minimum: self-pay", "self-pay"},
	[ADJ_R_L14] = {"L14", "不符合限定诊断，全自费", "no diagnosis matches the item's restriction: self-pay", "self-pay"},
	[ADJ_R_L15] = {"L15", "不符合限定性别，全自费", "sex restriction: self-pay", "self-pay"},
	[ADJ_R_L16] = {"L16", "不符合限定年龄，全自费", "age restriction: self-pay", "self-pay"},
	[ADJ_R_L21] = {"L21", "超过限价的部分自付", "above the reimbursement cap", "over-cap"},
	[ADJ_R_L22] = {"L22", "超过医疗服务设施标准的部分自付", "above the facility standard", "over-cap"},
	[ADJ_R_L23] = {"L23", "乙类项目先行自付", "B-class first-pay", "first-pay"},
	[ADJ_R_A01] = {"A01", "起付标准", "deductible", "deductible"},
	[ADJ_R_A02] = {"A02", "分段个人自付", "coinsurance", "coinsurance"},
	[ADJ_R_A03] = {"A03", "超过统筹基金最高支付限额", "above the pool fund's yearly cap", "over-pool"},
	[ADJ_R_A04] = {"A04", "大额医疗费救助支付", "catastrophic-expense relief paid", "relief"},
	[ADJ_R_A05] = {"A05", "大额救助达到年度限额", "relief limited by its yearly cap", "relief"},
	[ADJ_R_A06] = {"A06", "社会医疗救济支付", "medical assistance paid", "assistance"},
	[ADJ_R_A07] = {"A07", "按单病种定额结算", "single-disease standard applied", "hospital-variance"},
	[ADJ_R_A08] = {"A08", "超总额预付预算，暂扣", "pool payment withheld above the hospital's budget", "withheld"},
	[ADJ_R_W01] = {"W01", "总额预付医院本年度无预算", "global-budget hospital without a budget for the year", ""},
};

int
adj_reason_find(const char *code)
{
	for (int i = 0; i < ADJ_R_COUNT; i++)
		if (strcmp(adj_reasons[i].code, code) == 0)
			return i;
	return -1;
}

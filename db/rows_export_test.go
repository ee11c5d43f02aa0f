package db

// RowModels is every row struct that names a table (bun.BaseModel), for
// TestRowColumnsExist.
var RowModels = []any{
	(*orderRow)(nil), (*waitingOrderRow)(nil), (*paymentRow)(nil), (*settlementRow)(nil), (*balanceRow)(nil),
	(*writeOffRow)(nil), (*refundRow)(nil), (*viewerRow)(nil), (*auditRow)(nil), (*sideEffectRow)(nil),
	(*walletRow)(nil), (*exchangeRateRow)(nil),
	(*installation)(nil), (*staffRow)(nil), (*shopToken)(nil),
	(*shopifyWebhook)(nil), (*shopifyAuthorization)(nil), (*shopifyShop)(nil), (*shopifyDataRequest)(nil), (*shopifyOtherOrder)(nil),
}

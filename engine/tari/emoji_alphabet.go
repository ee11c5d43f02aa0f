package tari

// emojiAlphabet is the current Tari emoji alphabet (tari v1.3.1-pre.1,
// base_layer/common_types/src/emoji.rs): rune i encodes byte i. Every entry is
// a single code point, so addresses are one rune per byte.
const emojiAlphabet = "" +
	"🐢📟🌈🌊🎯🐋🌙🤔🌕⭐🎋🌰🌴🌵🌲🌸" +
	"🌹🌻🌽🍀🍁🍄🥑🍆🍇🍈🍉🍊🍋🍌🍍🍎" +
	"🍐🍑🍒🍓🍔🍕🍗🍚🍞🍟🥝🍣🍦🍩🍪🍫" +
	"🍬🍭🍯🥐🍳🥄🍵🍶🍷🍸🍾🍺🍼🎀🎁🎂" +
	"🎃🤖🎈🎉🎒🎓🎠🎡🎢🎣🎤🎥🎧🎨🎩🎪" +
	"🎬🎭🎮🎰🎱🎲🎳🎵🎷🎸🎹🎺🎻🎼🎽🎾" +
	"🎿🏀🏁🏆🏈⚽🏠🏥🏦🏭🏰🐀🐉🐊🐌🐍" +
	"🦁🐐🐑🐔🙈🐗🐘🐙🐚🐛🐜🐝🐞🦋🐣🐨" +
	"🦀🐪🐬🐭🐮🐯🐰🦆🦂🐴🐵🐶🐷🐸🐺🐻" +
	"🐼🐽🐾👀👅👑👒🧢💅👕👖👗👘👙💃👛" +
	"👞👟👠🥊👢👣🤡👻👽👾🤠👃💄💈💉💊" +
	"💋👂💍💎💐💔🔒🧩💡💣💤💦💨💩➕💯" +
	"💰💳💵💺💻💼📈📜📌📎📖📿📡⏰📱📷" +
	"🔋🔌🚰🔑🔔🔥🔦🔧🔨🔩🔪🔫🔬🔭🔮🔱" +
	"🗽😂😇😈🤑😍😎😱😷🤢👍👶🚀🚁🚂🚚" +
	"🚑🚒🚓🛵🚗🚜🚢🚦🚧🚨🚪🚫🚲🚽🚿🧲"

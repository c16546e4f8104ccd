/**
 * SHA-256 of the `format` of every ui-template the shipped flows (flows/flows.json) held before the blocks
 * became widget nodes, by node id: a plant's template with one of these formats is ours, unchanged, and may be
 * replaced; any other format was edited at the plant. Computed once from the history of flows/flows.json
 * (every commit of `git rev-list HEAD -- flows/flows.json`, the format of each of these ids when a ui-template;
 * beside each, the newest commit that held it).
 */
export const SHIPPED_TEMPLATE_FORMATS: Record<string, readonly string[]> = {
  'n-alerts-badge': [
    '680b58f889d5253265eec95b34046dbdb55d59dcbcbc79951885544f3cc54c5d', // 2cde141
    'e422f2807d172d1afa6c2772c50d56a2bd3302765ada294b3cfbf1320089a7e8', // 960b836
    '07824658e29ba02d90b66912c69ac98beaed22aea3dac5c17141063a24600342', // 4bbc52d
    'd9f98f096dac2c75a7f57fee940c49271f2b856a88c72375dea4f3355879a293', // 77c4411
    '645c8346a20e29c3fbd52c7e4a59b8e2b2fe66fde1b3dc6603774bc3afbdcd6a', // 4d72716
  ],
  'n-period-ui': [
    '51bb780995225c96579fa1a0f5a26b36b503fe1d5f6dda2f61e461d143923a1c', // 960b836
  ],
  'n-director-style': [
    'f66b9f8d272066c6f319ef0c30c2475d163c550d534d270c382bde45ceda862c', // 960b836
    '11d4e2919db311fa2e29751ee06edc77f1ed7a1e3dee5e9abda75d7274dd6fa4', // 4bbc52d
  ],
  'n-fleet-ui': [
    'cea31783129ac7453157b799ce82fc8f4808ae54352ee03a2875de86a0e1863c', // 960b836
    'e5c84f9c4e1171895ea5dba0e65ac117be206c1b8ce96338f95eddc7c67eac7f', // 88ca55c
    '64bec59d4fa84ca7fdeb3a1395c123fc62cc78acdb1b74a3bbd8ffc54337a051', // a4d4a36
    'c49dc99090b5e2834328f6255b81c8803b9e69b7d9bd50988ea4cf26b005799b', // ddd6303
  ],
  'n-downtime-ui': [
    '56df744799dd4d3162a06d42061f93fb7cea223e6fd1c9d94d352d40147244ad', // 960b836
    '032a4f30c15da5804c4f1fad992ab2cc0191e4c36bcf99abe058f2373046d993', // 88ca55c
    'c76c36eaa2f147cdc00dd5197189ca57432af5de849d8eb899110642e8921a7a', // 9ff35b0
    '969c4018eb22b439171c9f0a1972584821359b5b96a89d4dd16e3a3e69465371', // ddd6303
  ],
  'n-journal-ui': [
    'df7ff6b0340d8b86abaa0993fba47fcb12a35b380c83cc34bf4bed23ca894255', // 960b836
    'd713396ee0f8fbb7c3e2a49635dfd4154c21e8d7a8618f4c370861485ddfeeef', // 1c15cf6
    '879eb9e8d3761ac2518d4367c950e8e0269d22ed4ba625ca84cd51c2f7f52bc4', // 88ca55c
    '7c4fae57463974ddc82e352f9c6b2cb2699fabbcced67f0a7ae7fc944d3e4897', // 31ef16b
    'dce7e39d501ee6a3ed8c28eff7a6038ab4d8783a3330e20d991da4fd066dfb46', // 5d67ca4
    '347cd77ffbbe617962089b74a1a002e9d345e9a2def0a87d15b7c59872a52302', // 9ff35b0
    '7a422c87eeebd82f6f54d08746f7e904e8f76f30de6c5d5f0176af4a52c01ad0', // ddd6303
  ],
  'n-settings-ui': [
    '74d57e6d4214ad02d9ee098d2efa2e9107c985888ccbbacebfa11a764a309db6', // 960b836
    '4484b6a652749e60539d0c6851fcb74f3d4fc8cde7a2378a03acfdc8a0c7cdd6', // 88ca55c
    '705b1c8bc64a17a1601a7ae35879526cc09fa3925f8a22c40825194a3800b20f', // e6d0ac3
    '8efc78c98c883b548482d45913918468b3a0c56044fc42f50028a5d689a45abf', // 5d67ca4
    '162fc9a9ac51e5834562dfffe21bd4b6074c2279e4652b622b3b90c4b860988d', // b8f6156
  ],
  'n-accounting-ui': [
    'a2d236021cad5e5e50cef2139f89244c251f01577b9b0b677db204d01019874f', // 960b836
    'ec9e907ac10f6e38afff401798fb90bacbe8613f3e3873a6aef79b392448b885', // 88ca55c
    'ca2ac7550d5961b278e74f18ddbc8dea1b9f83d271624667f358f67ec0f9a3c3', // 9ff35b0
    '4f55dec0e2bdf0f2a040348df50a3e31d61b233de60ebc5f30475c06b93099e1', // ddd6303
    '0360c9cd265d9da72dded3b5e99f3516e837fdfa9dd48ed63c8199be7e343d54', // 12a5421
    'dd2248fe6e5ce6f55cce569ac6710a4f6f9907a9ee0893035e5f03bddb3f964b', // 0571d1b
  ],
  'n-accounting-ov': [
    'd8c625e03340dc93d1bc8f1be493aeaebdd7651f98fb678f51cd34e87a66a853', // 960b836
    '8155397d4af1e86d5dfc42d2bfcc4f50ad5d462ab7500f5b0d05f6567779ea08', // 88ca55c
    '6a8ac6ee58d1c220a07c89da0f6629f96eb1b0557df0fb6242ea4661f2183a72', // 9d613bc
    'e39e65a605e8231f53939fc6953e00e90fdfcde9c99e03fbb16d1781db098004', // 36c1bba
    '1cd0e97af6f0c924b5222ee08ca18d426c7c4edb97b466d0506eaef478701d56', // 9ff35b0
  ],
  'n-economics-ui': [
    'f8b65232024b70043c57b04caa085272ac6aba45ea741097aa621e2797e374fb', // 960b836
    '0364a930d49743edb7d7e6178dc61032c2613fff6bbd65ceaf72a23035fccb20', // 9ff35b0
    'fa4eda72ad02347d672de31a4cd1106bf012d548b358b62bfb361a6eae6a888e', // ddd6303
    'f6ddb1fcb1637a7ff51b6ee352bec9c40a9843d8dbfd7c04d0a66a6e2ec7d368', // 714b71c
    '717f165ca13fb40dee6ed2ad1a7b347ebc353a70218258bd1f761ab8de257617', // b8f6156
  ],
  'n-economics-ov': [
    '596198ab5a990579621530b87ffb7ff30584aab300f36889b0c3eccdeb1f28cc', // 960b836
    '9a9c2a72d451865a8ae5cbb903f8d89bcb3aa18279596e7120a89ca91afa5a9a', // 88ca55c
    '8c4f5048b147cfdd1b623ff1d2149e970decb96360cc20b9998abff1269aac90', // 9ff35b0
  ],
  'n-maintenance-ui': [
    'fe8df18e7774d772c70cad4f5cc1f9f91f848a40cddf198c5e4acb2d9493e0cc', // 960b836
    '9affc557892243e1a770fb20f522070faca33116bf53032c07fe03f6c5427c4d', // 88ca55c
    '1ea2ce691706dd2331747c8c3c899b25d65c635596c9dabe04ac9593b50c6747', // 681bf82
  ],
  'n-maintenance-ov': [
    'a8e174da44dbe0d51752cfafddf9f81eccf2fddbefa4da3b234ae8d774d82c26', // 960b836
    '58531e4a53de7afd6987d8622e4fb2db4dea3580a176f2fb30235f04409153ef', // 88ca55c
  ],
  'n-quality-ui': [
    '184c96cec80b9ad1a04e80343233fa332ca2290dfa470fdf63870103b9fe5564', // 960b836
    '3e7f88fcd5c4d55e73e57298104c72c643f34c59ff5c5036d66d571faddda47b', // 88ca55c
  ],
  'n-alerts-ui': [
    '4df0e5240c8cc592d898e0a235bc4ef5d05967d9a0282429b23b05616fe7b5a3', // 960b836
    'd2693b2149bd23a90ea88daab551028d66e18556c1e79d807357a0683c195370', // 1c15cf6
  ],
  'n-users-ui': [
    '58f342a514aa4f3891e1efefaef65e144a14cc0c820e6e790119120a85e0c602', // 960b836
  ],
  'n-audit-ui': [
    '07b4c5a91714a6fd19e87ba985cf724932342c464a048a9e415d1781558e1fdd', // 960b836
  ],
};

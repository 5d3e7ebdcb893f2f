// The rule builder's form ↔ text mapping (web/src/rules.js), without a browser:
//   node --test tests/browser/rules.test.mjs
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseRows, rowsText, registerAttributes, opsFor } from '../../web/src/rules.js'

test('canonical rules the server prints come back as rows and print the same', () => {
  for (const text of [
    'region under "3204" and revenue >= 2000万 and has "高新技术企业"',
    'employees >= 10 and rd_ratio >= 3.5% and not dishonest',
    'scale in ["小型", "微型"] and tax_credit_grade = "A"',
    'industry under "C" and not has "失信企业"',
    'registered_capital < 500万',
  ]) {
    const rows = parseRows(text)
    assert.ok(rows, `parses ${text}`)
    assert.equal(rowsText(rows), text)
  }
})

test('money in yuan or 亿 becomes 万元 in the form', () => {
  assert.deepEqual(parseRows('revenue >= 1.5亿'), [{ attr: 'revenue', op: '>=', value: '15000' }])
  assert.deepEqual(parseRows('revenue >= 5000'), [{ attr: 'revenue', op: '>=', value: '0.5' }])
})

test('rules the form cannot show are left to the text view', () => {
  for (const text of [
    'revenue >= 2000万 or employees >= 100',
    '(revenue >= 2000万 and employees >= 10)',
    'has "专精特新中小企业" within 3 years',
    'employees between 10 and 100',
    '营业收入 >= 2000万',
  ]) {
    assert.equal(parseRows(text), null, text)
  }
  assert.deepEqual(parseRows(''), [])
})

test('incomplete rows are left out of the text', () => {
  assert.equal(rowsText([{ attr: 'revenue', op: '>=', value: '' }, { attr: 'employees', op: '>=', value: '10' }]), 'employees >= 10')
  assert.equal(rowsText([{ attr: 'region', op: 'under', value: '' }]), '')
})

test('registered attributes join the form, dates quoted', () => {
  assert.equal(
    registerAttributes([
      { key: 'established_on', label: '成立日期', type: 'date', active: true },
      { key: 'patents', label: '有效专利数', type: 'int', unit: '件', active: true },
      { key: 'pending_attr', label: '未生效', type: 'int', active: false },
    ]),
    true,
  )
  assert.equal(rowsText([{ attr: 'established_on', op: '<=', value: '2023-01-01' }]), 'established_on <= "2023-01-01"')
  assert.deepEqual(parseRows('patents >= 5 and established_on <= "2023-01-01"'), [
    { attr: 'patents', op: '>=', value: '5' },
    { attr: 'established_on', op: '<=', value: '2023-01-01' },
  ])
  assert.equal(parseRows('pending_attr >= 1'), null)
  assert.deepEqual(opsFor('dishonest').map((o) => o.op), ['is', 'not'])
})

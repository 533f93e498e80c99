import { Input, Select } from 'antd';
import { useTranslation } from 'react-i18next';
import { RISK_CATEGORIES } from '../../api/types';
import { CellItem, type ListColumn } from './plan/FormListTable';
import { textLimit } from '../../common/textLimit';

const LEVELS = ['low', 'medium', 'high'] as const;

/** The editable columns of a risk row (IN-5 assessment and the plan's risks section share them). */
export function useRiskColumns(): ListColumn[] {
  const { t } = useTranslation();
  const levels = LEVELS.map((l) => ({ value: l, label: t(`plan.levels.${l}`) }));
  const text = (name: 'description' | 'response', label: string) => ({
    key: name,
    title: label,
    width: 260,
    render: (f: Parameters<ListColumn['render']>[0], i: number) => (
      <CellItem field={f} name={name}>
        <Input.TextArea
          aria-label={`${label} ${i + 1}`}
          autoSize={{ minRows: 1, maxRows: 4 }}
          count={textLimit(2000)}
        />
      </CellItem>
    ),
  });
  const level = (name: 'likelihood' | 'impact', label: string) => ({
    key: name,
    title: label,
    width: 84,
    render: (f: Parameters<ListColumn['render']>[0], i: number) => (
      <CellItem field={f} name={name}>
        <Select aria-label={`${label} ${i + 1}`} options={levels} />
      </CellItem>
    ),
  });
  return [
    {
      key: 'category',
      title: t('plan.riskCategory'),
      width: 120,
      render: (f, i) => (
        <CellItem field={f} name="category">
          <Select
            aria-label={`${t('plan.riskCategory')} ${i + 1}`}
            options={RISK_CATEGORIES.map((c) => ({ value: c, label: t(`plan.riskCategories.${c}`) }))}
          />
        </CellItem>
      ),
    },
    text('description', t('plan.riskDescription')),
    level('likelihood', t('plan.likelihood')),
    level('impact', t('plan.impact')),
    text('response', t('plan.response')),
  ];
}

/**
 * The slice of the Adaptive Card 1.5 schema the renderer emits. Deliberately narrow: if a property is not
 * here, the renderer does not produce it, and the validator in the tests knows what to expect.
 */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: string;
  body: CardElement[];
  actions?: CardAction[];
  fallbackText?: string;
  msteams?: { width?: 'Full' };
}

export type CardElement = TextBlock | FactSet | Container | ActionSet | ChoiceSetInput | TextInputElement;

export type ContainerStyle = 'default' | 'emphasis' | 'good' | 'attention' | 'warning' | 'accent';
export type TextColor = 'default' | 'dark' | 'light' | 'accent' | 'good' | 'warning' | 'attention';

export interface TextBlock {
  type: 'TextBlock';
  text: string;
  wrap?: boolean;
  size?: 'small' | 'default' | 'medium' | 'large';
  weight?: 'default' | 'bolder';
  color?: TextColor;
  isSubtle?: boolean;
  spacing?: 'none' | 'small' | 'default' | 'medium';
  style?: 'heading';
}

export interface FactSet {
  type: 'FactSet';
  facts: { title: string; value: string }[];
}

export interface Container {
  type: 'Container';
  items: CardElement[];
  style?: ContainerStyle;
  separator?: boolean;
  spacing?: 'none' | 'small' | 'default' | 'medium';
  bleed?: boolean;
}

export interface ActionSet {
  type: 'ActionSet';
  actions: CardAction[];
}

export interface ChoiceSetInput {
  type: 'Input.ChoiceSet';
  id: string;
  label: string;
  style: 'compact' | 'expanded';
  choices: { title: string; value: string }[];
  placeholder?: string;
  isRequired?: boolean;
  errorMessage?: string;
}

export interface TextInputElement {
  type: 'Input.Text';
  id: string;
  label: string;
  placeholder?: string;
  isMultiline?: boolean;
  maxLength?: number;
  isRequired?: boolean;
  errorMessage?: string;
}

export type ActionStyle = 'default' | 'positive' | 'destructive';

interface ActionBase {
  title: string;
  style?: ActionStyle;
}

export interface SubmitAction extends ActionBase {
  type: 'Action.Submit';
  data: Record<string, string>;
  associatedInputs?: 'auto' | 'none';
}

export interface ExecuteAction extends ActionBase {
  type: 'Action.Execute';
  verb: string;
  data: Record<string, string>;
  associatedInputs?: 'auto' | 'none';
}

export interface ShowCardAction extends ActionBase {
  type: 'Action.ShowCard';
  card: Omit<AdaptiveCard, '$schema' | 'version'> & { $schema?: string; version?: string };
}

export type CardAction = SubmitAction | ExecuteAction | ShowCardAction;

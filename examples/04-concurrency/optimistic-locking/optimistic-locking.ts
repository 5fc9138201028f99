import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  type Model,
  type ModelAttributes,
  type ModelStatic,
  type Sequelize,
} from 'sequelize';

export interface Article extends Model<InferAttributes<Article>, InferCreationAttributes<Article>> {
  id: CreationOptional<number>;
  title: string;
  tags: string[];
  version: CreationOptional<number>;
}

export type Articles = ModelStatic<Article>;

const columns: ModelAttributes<Article> = {
  id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
  title: { type: DataTypes.TEXT, allowNull: false },
  tags: { type: DataTypes.ARRAY(DataTypes.TEXT), allowNull: false, defaultValue: [] },
  version: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
};

/** The `articles` table with a plain `version` column: the checks are ours to write. */
export function defineArticles(sequelize: Sequelize): Articles {
  return sequelize.define<Article>('Article', columns, { tableName: 'articles', timestamps: false });
}

// #region builtin-version
/** Same table; `version: true` makes every `save()` add `WHERE version = ?` and bump it. */
export function defineVersionedArticles(sequelize: Sequelize): Articles {
  return sequelize.define<Article>('VersionedArticle', columns, {
    tableName: 'articles',
    timestamps: false,
    version: true,
  });
}
// #endregion builtin-version

export class VersionConflictError extends Error {
  constructor(
    readonly articleId: number,
    readonly expectedVersion: number,
  ) {
    super(`article ${articleId} is no longer at version ${expectedVersion}: someone else changed it`);
    this.name = 'VersionConflictError';
  }
}

export class ArticleNotFoundError extends Error {
  constructor(readonly articleId: number) {
    super(`article ${articleId} does not exist`);
    this.name = 'ArticleNotFoundError';
  }
}

/** Test seam between reading the row and writing it back: the window where edits collide. */
export type BetweenReadAndWrite = () => Promise<void>;
const noPause: BetweenReadAndWrite = async () => {};

async function load(articles: Articles, id: number): Promise<Article> {
  const article = await articles.findByPk(id);
  if (!article) throw new ArticleNotFoundError(id);
  return article;
}

// #region unsafe-add-tag
/** Read, modify, write with no check: the second writer silently overwrites the first one's tag. */
export async function unsafeAddTag(articles: Articles, id: number, tag: string, pause = noPause): Promise<void> {
  const article = await load(articles, id);
  await pause();
  await articles.update({ tags: [...article.tags, tag] }, { where: { id } });
}
// #endregion unsafe-add-tag

// #region checked-add-tag
/** The Q&A's manual check: the UPDATE only matches if nobody bumped the version since we read. */
export async function addTagChecked(articles: Articles, id: number, tag: string, pause = noPause): Promise<void> {
  const article = await load(articles, id);
  await pause();
  const [updated] = await articles.update(
    { tags: [...article.tags, tag], version: article.version + 1 },
    { where: { id, version: article.version } },
  );
  if (updated === 0) throw new VersionConflictError(id, article.version);
}
// #endregion checked-add-tag

/** The same edit through Sequelize's built-in check, which throws `OptimisticLockError`. */
export async function addTagVersioned(versioned: Articles, id: number, tag: string, pause = noPause): Promise<void> {
  const article = await load(versioned, id);
  await pause();
  article.tags = [...article.tags, tag];
  await article.save();
}

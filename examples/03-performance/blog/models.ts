import type { CreationOptional, ForeignKey, NonAttribute } from 'sequelize';
import { DataTypes, type InferAttributes, type InferCreationAttributes, Model, type Sequelize } from 'sequelize';

export class BlogUser extends Model<InferAttributes<BlogUser>, InferCreationAttributes<BlogUser>> {
  declare id: CreationOptional<number>;
  declare name: string;
  declare email: string;
  declare posts?: NonAttribute<BlogPost[]>;
}

export class BlogPost extends Model<InferAttributes<BlogPost>, InferCreationAttributes<BlogPost>> {
  declare id: CreationOptional<number>;
  declare userId: ForeignKey<BlogUser['id']>;
  declare title: string;
  declare createdAt: CreationOptional<Date>;
}

/** Registers users and posts on `sequelize`; a user has many posts through `posts."userId"`. */
export function defineBlogModels(sequelize: Sequelize): { User: typeof BlogUser; Post: typeof BlogPost } {
  BlogUser.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      name: { type: DataTypes.TEXT, allowNull: false },
      email: { type: DataTypes.TEXT, allowNull: false },
    },
    { sequelize, tableName: 'users', timestamps: false },
  );
  BlogPost.init(
    {
      id: { type: DataTypes.INTEGER, autoIncrement: true, primaryKey: true },
      title: { type: DataTypes.TEXT, allowNull: false },
      createdAt: DataTypes.DATE,
    },
    { sequelize, tableName: 'posts', updatedAt: false },
  );
  BlogUser.hasMany(BlogPost, { as: 'posts', foreignKey: 'userId' });
  BlogPost.belongsTo(BlogUser, { foreignKey: 'userId' });
  return { User: BlogUser, Post: BlogPost };
}

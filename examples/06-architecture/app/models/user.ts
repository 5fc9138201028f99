import {
  type CreationOptional,
  DataTypes,
  type InferAttributes,
  type InferCreationAttributes,
  type Model,
  type ModelStatic,
  type Sequelize,
} from 'sequelize';

/** One row of `users` as Sequelize sees it. Only repositories touch models; nothing above them sees one. */
export interface UserRow extends Model<InferAttributes<UserRow>, InferCreationAttributes<UserRow>> {
  id: CreationOptional<number>;
  email: string;
  name: string;
  passwordHash: string;
  createdAt: CreationOptional<Date>;
}

export type UserModel = ModelStatic<UserRow>;

/**
 * `sequelize.define` returns a model class bound to this instance only. (`class X extends Model`
 * plus `X.init(...)` rebinds one global class, so a second database in the same process, as in
 * tests, would silently steal it.)
 */
export function defineUserModel(sequelize: Sequelize): UserModel {
  return sequelize.define<UserRow>(
    'User',
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      // The migration creates the unique index; the flag here keeps sync()-based schemas comparable.
      email: { type: DataTypes.STRING(254), allowNull: false, unique: true },
      name: { type: DataTypes.STRING(100), allowNull: false },
      passwordHash: { type: DataTypes.STRING, allowNull: false, field: 'password_hash' },
      createdAt: { type: DataTypes.DATE, allowNull: false, field: 'created_at' },
    },
    { tableName: 'users', timestamps: true, updatedAt: false },
  );
}
